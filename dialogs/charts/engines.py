"""Rendering DOT offline: the ``graphviz-pure`` wheel's static binary first, a system Graphviz
``dot`` as the alternative, and the chart as text as the last resort.

:func:`render` is synchronous and refuses to run on a thread with a running asyncio event loop
(the bot calls it in a worker thread); each engine runs as a subprocess under a timeout, and the
result says which engine rendered and why the ones before it did not.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ENGINES: tuple[str, ...] = ("graphviz-pure", "dot")
TEXT = "text"
TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Rendered:
    engine: str  # "graphviz-pure", "dot" or "text" (nothing could draw it)
    format: str  # "png", "svg", or the text's format ("dot", "mmd")
    data: bytes
    ms: float  # wall time of the rendering, every attempt included
    why: tuple[str, ...] = ()  # why each engine before it did not render

    @property
    def picture(self) -> bool:
        return self.engine != TEXT


def find(engine: str) -> str | None:
    """The engine's executable: next to this Python first (the wheel installs ``graphviz-pure``
    into the environment's bin/), then on PATH."""
    beside = Path(sys.executable).with_name(engine)
    if beside.is_file():
        return str(beside)
    return shutil.which(engine)


def _not_on_event_loop() -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError("render() blocks: call it in a thread (asyncio.to_thread), not on the "
                       "event loop")


def render(dot: str, fmt: str = "png", *, fallback: tuple[str, str] | None = None,
           engines: Sequence[str] = ENGINES, timeout: float = TIMEOUT_S) -> Rendered:
    """``dot`` drawn as ``fmt`` by the first engine that succeeds within ``timeout`` seconds;
    if none does, ``fallback`` (format, text) or the DOT text itself."""
    _not_on_event_loop()
    start = time.perf_counter()
    why: list[str] = []
    for engine in engines:
        exe = find(engine)
        if exe is None:
            why.append(f"{engine}: not installed")
            continue
        try:
            done = subprocess.run([exe, f"-T{fmt}"], input=dot.encode("utf-8"),
                                  capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            why.append(f"{engine}: timed out after {timeout:g} s")
            continue
        except OSError as exc:
            why.append(f"{engine}: {exc.strerror or exc}")
            continue
        if done.returncode != 0 or not done.stdout:
            error = done.stderr.decode("utf-8", "replace").strip().splitlines()
            why.append(f"{engine}: exit {done.returncode}" + (f" ({error[-1]})" if error else ""))
            continue
        return Rendered(engine, fmt, done.stdout, _ms(start), tuple(why))
    text_format, text = fallback if fallback is not None else ("dot", dot)
    return Rendered(TEXT, text_format, text.encode("utf-8"), _ms(start), tuple(why))


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000
