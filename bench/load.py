"""Fairness under load (issue 11), with the production rate limiter over the offline harness:

* ``fairness_wait_s``: another chat's ``/help`` answer time while one chat is in a 20 s flood
  wait (goal < 1 s), and ``stop_during_flood_wait_s``: how long the bot then takes to stop;
* ``stranger_flood_wait_s``: a clinician's ``/start`` answer time behind 2 000 strangers who
  sent one message each (goal < 1 s).
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from tests.load_scenarios import fairness_wait, stranger_flood_wait


def bench_load(strangers: int = 2000) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        waited, stopped = asyncio.run(fairness_wait(Path(tmp) / "fair", retry_after=20))
        flood = asyncio.run(stranger_flood_wait(Path(tmp) / "flood", strangers))
    return {"fairness_wait_s": round(waited, 3), "stop_during_flood_wait_s": round(stopped, 2),
            "strangers": strangers, "stranger_flood_wait_s": round(flood, 3)}
