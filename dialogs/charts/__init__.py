"""Clinical flowcharts of the pathways, drawn from the rules, in the user's language.

* :func:`flowchart_dot` — a pathway's chart as Graphviz DOT (docs/flowcharts/<pathway>.<lang>.dot);
* :func:`path_picture` — this patient's path through it as a PNG for a Telegram photo (answered
  branches bold and coloured, the rest faded; within Telegram's photo limits). Synchronous and
  blocking: the bot calls it in a thread (``await asyncio.to_thread(path_picture, ...)``);
* :func:`render` — DOT to PNG/SVG with graphviz-pure, else a system ``dot``, else text
  (:class:`Rendered` says which engine rendered and why the others did not).

``python -m dialogs.charts`` writes docs/flowcharts/ (a test keeps it current).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .dot import dot_source
from .engines import ENGINES, TIMEOUT_S, Rendered, render
from .model import chart, taken
from .text import mermaid

__all__ = ["ENGINES", "GUIDELINE_PATHWAYS", "MAX_SIDE_PX", "Rendered", "flowchart_dot",
           "path_dot", "path_picture", "render"]

GUIDELINE_PATHWAYS = ("spine.alarm", "spine.diagnosis", "spine.treatment", "lm.diagnosis",
                      "lm.treatment")
# Telegram photos: width + height <= 10 000 px, ratio <= 20; Telegram shows at most 2560 px a
# side, so more costs render time for nothing. Graphviz scales the drawing down to fit.
MAX_SIDE_PX = 2560
DPI = 96


def flowchart_dot(pathway: str, lang: str) -> str:
    """The whole chart of ``pathway`` in ``lang`` (nl or en)."""
    return dot_source(chart(pathway, lang))


def path_dot(pathway: str, lang: str, findings: Mapping[str, object]) -> str:
    """The chart with this patient's path marked, sized for a photo."""
    c = chart(pathway, lang)
    return dot_source(c, taken(c, findings), size_in=round(MAX_SIDE_PX / DPI, 2), dpi=DPI)


def path_picture(pathway: str, lang: str, findings: Mapping[str, object], *,
                 engines: Sequence[str] = ENGINES, timeout: float = TIMEOUT_S) -> Rendered:
    """This patient's path as a PNG (or, when no engine can draw, as mermaid text)."""
    c = chart(pathway, lang)
    path = taken(c, findings)
    dot = dot_source(c, path, size_in=round(MAX_SIDE_PX / DPI, 2), dpi=DPI)
    return render(dot, "png", fallback=("mmd", mermaid(c, path)), engines=engines,
                  timeout=timeout)
