"""``python -m dialogs.charts``: write docs/flowcharts/<pathway>.<lang>.dot and .svg for the five
guideline pathways in every language (tests/test_flowcharts.py keeps them current)."""

from __future__ import annotations

import sys
from pathlib import Path

from ..i18n import LANGUAGES
from . import GUIDELINE_PATHWAYS, flowchart_dot, render

OUT = Path(__file__).resolve().parents[2] / "docs" / "flowcharts"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for pathway in GUIDELINE_PATHWAYS:
        for lang in LANGUAGES:
            dot = flowchart_dot(pathway, lang)
            (OUT / f"{pathway}.{lang}.dot").write_text(dot, encoding="utf-8")
            svg = render(dot, "svg")
            if not svg.picture:
                sys.stderr.write(f"no engine could draw the SVG: {'; '.join(svg.why)}\n")
                return 1
            (OUT / f"{pathway}.{lang}.svg").write_bytes(svg.data)
            sys.stdout.write(f"wrote docs/flowcharts/{pathway}.{lang}.dot and .svg "
                             f"({svg.engine}, {svg.ms:.0f} ms)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
