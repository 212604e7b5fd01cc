"""Flowchart benchmark: how long the "this patient's path" picture takes to render.

``flowchart_render_ms``: per guideline pathway, the p95 over a few renders of the path picture
(PNG, Telegram photo size) for the pathway's first example case, in milliseconds, with the engine
that rendered it. ``run()`` returns them as one dict for bench/run.py; ``python
bench/flowcharts.py`` prints it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import CASES, percentile  # noqa: E402
from dialogs.charts import GUIDELINE_PATHWAYS, path_picture  # noqa: E402


def findings_for(pathway: str) -> dict[str, Any]:
    """The first example case of the pathway (no findings when it has none)."""
    return next((c["findings"] for c in CASES if c["pathway"] == pathway), {})


def flowchart_render_ms(renders: int = 5, lang: str = "nl") -> dict[str, Any]:
    """p95 render time of the path picture per pathway (ms), and the engine(s) that drew it."""
    p95: dict[str, float] = {}
    engines: set[str] = set()
    for pathway in GUIDELINE_PATHWAYS:
        findings = findings_for(pathway)
        timings = []
        for _ in range(renders):
            picture = path_picture(pathway, lang, findings)
            timings.append(picture.ms)
            engines.add(picture.engine)
        p95[pathway] = round(percentile(timings, 0.95), 1)
    return {"flowchart_render_ms": p95, "flowchart_engine": ", ".join(sorted(engines))}


def run() -> dict[str, Any]:
    return flowchart_render_ms()


if __name__ == "__main__":
    sys.stdout.write(json.dumps(run(), indent=2) + "\n")
