"""``python -m bot``: the Telegram bot when TELEGRAM_BOT_TOKEN is set, else the console chat.

``python -m bot console [--jsonl] [--lang nl|en] [--pathway P]`` always opens the console;
``python -m bot backup PATH`` copies the database, ``python -m bot check`` checks the settings,
the database and the token, and ``python -m bot qr PATHWAY [--png FILE]`` prints the deep link
of alarm, spine or lm (and writes its QR code for a ward poster); see :mod:`bot.operations`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from dotenv import dotenv_values

from dialogs.flows import MENU
from dialogs.i18n import DEFAULT_LANGUAGE, LANGUAGES

from . import console


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot")
    sub = parser.add_subparsers(dest="command")
    con = sub.add_parser("console", help="the chat in this terminal")
    con.add_argument("--jsonl", action="store_true", help="one JSON object per line each way")
    con.add_argument("--lang", choices=LANGUAGES, default=None)
    con.add_argument("--pathway", choices=MENU, default=None)
    back = sub.add_parser("backup", help="a consistent copy of the database, also while running")
    back.add_argument("path", type=Path, help="the new file to write")
    sub.add_parser("check", help="check the settings, the database and the token; exit 0 if "
                                  "all is well, 1 if a service is not usable, 2 if a setting is")
    qr = sub.add_parser("qr", help="the deep link of a pathway (alarm, spine, lm) and its QR code")
    qr.add_argument("pathway", help="alarm, spine or lm")
    qr.add_argument("--png", type=Path, default=None, help="also write the QR code as PNG")
    args = parser.parse_args(argv)
    if args.command == "qr":
        from .operations import qr_command

        return qr_command(args.pathway, args.png)
    if args.command == "backup":
        from .operations import backup_command

        return backup_command(args.path)
    if args.command == "check":
        from .operations import check_command

        return check_command()
    token = (os.environ.get("TELEGRAM_BOT_TOKEN")
             or dotenv_values(".env").get("TELEGRAM_BOT_TOKEN") or "").strip()
    if args.command is None and token:
        from .telegram_main import run_telegram

        return run_telegram()
    lang = getattr(args, "lang", None) or os.environ.get("DEFAULT_LANGUAGE", DEFAULT_LANGUAGE)
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    try:
        return console.run(sys.stdin, sys.stdout, lang=lang,
                           jsonl=bool(getattr(args, "jsonl", False)),
                           pathway=getattr(args, "pathway", None))
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
