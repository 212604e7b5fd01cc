"""Logging for the Telegram bot: to stderr, never the token, never message text.

Message text never reaches a log record in bot/ (handlers log update ids, kinds and error types
only). Libraries are held back where they would log more: httpx/httpcore log every request URL,
which holds the token, and python-telegram-bot logs request parameters (message texts) and its
base URL (the token) at DEBUG. As a last guard the formatter masks the token in any line.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from typing import TextIO

__all__ = ["RedactingFormatter", "WithholdData", "configure_logging", "quiet_libraries"]

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: Loggers and the least severe level they may log at.
QUIET = {"httpx": logging.WARNING, "httpcore": logging.WARNING, "telegram": logging.INFO,
         "tornado.access": logging.WARNING, "transitions": logging.WARNING}


class RedactingFormatter(logging.Formatter):
    """Replaces every secret in a formatted line (message and traceback) by ``[redacted]``."""

    def __init__(self, secrets: Iterable[str], fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        self._secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        for secret in self._secrets:
            line = line.replace(secret, "[redacted]")
        return line


class WithholdData(logging.Filter):
    """Keeps received data out of library log lines: PTB logs a batch or webhook body it cannot
    parse *raw* ("Received data was %r"), i.e. other users' texts and names. Such a line keeps
    its first sentence and the exception's type; the data and the exception's text are dropped.
    (The bot itself never hands PTB such data: see :mod:`bot.intake`.)"""

    def filter(self, record: logging.LogRecord) -> bool:
        template = str(record.msg)
        if record.name.startswith(("telegram", "tornado")) and "data" in template.lower():
            kind = record.exc_info[1] if record.exc_info else None
            record.msg = re.split(r"[!%]|\. ", template)[0].rstrip(" :") + (
                f" (data withheld; {type(kind).__name__})" if kind else " (data withheld)")
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def configure_logging(level: str, secrets: Iterable[str] = (),
                      stream: TextIO | None = None) -> None:
    """Log at ``level`` to ``stream`` (stderr) with the secrets masked."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(RedactingFormatter(secrets))
    handler.addFilter(WithholdData())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.getLevelName(level))
    quiet_libraries(level)


def quiet_libraries(level: str) -> None:
    """Hold back the libraries that would log URLs with the token or message texts."""
    numeric = logging.getLevelName(level)
    for name, floor in QUIET.items():
        logging.getLogger(name).setLevel(max(floor, numeric))
