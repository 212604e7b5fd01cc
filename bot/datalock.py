"""One bot process per data folder: an exclusive lock on ``DATA_DIR/bot.lock`` holding its pid.

Two processes on one ``DATA_DIR`` would both poll (409 Conflict) and the stale one would write
its dialogs over the other's. The lock is taken at start and held until the process ends (the
operating system releases it, also after SIGKILL); a second process exits at once, naming the
holder's pid.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

__all__ = ["DataDirInUse", "lock_data_dir"]

LOCK_NAME = "bot.lock"


class DataDirInUse(Exception):
    """Another process holds the data folder; ``str()`` is the one line to show."""


def lock_data_dir(data_dir: Path) -> IO[str]:
    """Lock ``data_dir`` for this process (keep the returned file open while running)."""
    handle = (data_dir / LOCK_NAME).open("a+", encoding="ascii")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "?"
        handle.close()
        raise DataDirInUse(
            f"DATA_DIR {os.fspath(data_dir)} is in use by another bot process (pid {holder}); "
            "stop it first, or give this one another DATA_DIR") from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle
