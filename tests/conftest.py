"""Fixtures shared by the Telegram tests."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.logs import QUIET, quiet_libraries


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Capture everything at DEBUG, with the library floors the bot sets for itself."""
    levels = {name: logging.getLogger(name).level for name in QUIET}
    caplog.set_level(logging.DEBUG)
    quiet_libraries("DEBUG")
    yield caplog
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
