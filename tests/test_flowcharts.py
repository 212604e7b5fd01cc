"""The clinical flowcharts (dialogs/charts): current in docs/, complete, in the user's language,
one patient's path marked, a photo Telegram accepts in under 2 s, and a fallback when no engine
can draw."""

from __future__ import annotations

import asyncio
import re
import statistics
import struct
import sys
from pathlib import Path

import pytest
import yaml

from dialogs.charts import GUIDELINE_PATHWAYS, dot, engines, path_dot, path_picture, render
from dialogs.charts.__main__ import OUT
from dialogs.charts.model import chart, taken
from dialogs.i18n import LANGUAGES, translator
from dialogs.keys import field_key, interpretation_key
from logic.describe import interpretations
from logic.pathways import PATHWAYS

ROOT = Path(__file__).resolve().parent.parent
CASES = [yaml.safe_load(p.read_text()) for p in sorted((ROOT / "tests" / "cases").glob("*.yaml"))]
CHARTS = [(p, lang) for p in GUIDELINE_PATHWAYS for lang in LANGUAGES]
KEY_OR_CODE = re.compile(r"\b(?:chart|dec|field|finding|opt|item|interp|menu|section|ui)\.[a-z]"
                         r"|\b[a-z0-9]+_[a-z0-9_]+\b")


def first_case(pathway: str) -> dict[str, object]:
    return next(c["findings"] for c in CASES if c["pathway"] == pathway)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def texts(pathway: str, lang: str) -> list[str]:
    """Every text the picture shows: node labels, branch labels, field titles, the legend."""
    c = chart(pathway, lang)
    return ([n.text for n in c.nodes.values()] + [e.label for e in c.edges]
            + list(c.clusters.values()) + list(c.legend.values()))


@pytest.mark.parametrize(("pathway", "lang"), CHARTS)
def test_committed_dot_and_svg_are_current(pathway: str, lang: str) -> None:
    source = (OUT / f"{pathway}.{lang}.dot").read_text(encoding="utf-8")
    assert source == dot.dot_source(chart(pathway, lang)), "stale: run python -m dialogs.charts"
    svg = render(source, "svg")
    if svg.engine != "graphviz-pure":  # only graphviz-pure's output is pinned (a wheel version)
        pytest.skip(f"SVG drawn by {svg.engine}, not comparable")
    assert (OUT / f"{pathway}.{lang}.svg").read_bytes() == svg.data, (
        "stale SVG: run python -m dialogs.charts")


@pytest.mark.parametrize(("pathway", "lang"), CHARTS)
def test_every_field_and_interpretation_appears(pathway: str, lang: str) -> None:
    t = translator(lang)
    c = chart(pathway, lang)
    built = PATHWAYS[pathway].built
    assert set(c.clusters) == set(built.fields)
    assert set(c.clusters.values()) == {t(field_key(f)) for f in built.fields}
    raised = {i for d in built.fields.values() for i in interpretations(d.rule)}
    tagged = {i for n in c.nodes.values() for i in n.tags}
    assert raised <= tagged, f"not marked: {sorted(raised - tagged)}"
    source = dot.dot_source(c)
    for iid in raised:
        assert f"[{iid}" in source or f", {iid}" in source
        first_line = dot.wrap(t(interpretation_key(iid)), dot.LEGEND_WIDTH)[0]
        assert first_line in source  # explained in the legend


@pytest.mark.parametrize(("pathway", "lang"), CHARTS)
def test_labels_are_words_of_the_chosen_language_never_codes(pathway: str, lang: str) -> None:
    shown = texts(pathway, lang)
    codes = sorted({m.group(0) for text in shown for m in KEY_OR_CODE.finditer(text)})
    assert codes == [], f"internal codes or keys in the picture: {codes}"
    branches = {e.label for e in chart(pathway, lang).edges if e.label}
    yes, no = translator(lang)("common.yes"), translator(lang)("common.no")
    assert {yes, no} <= branches
    other = translator("en" if lang == "nl" else "nl")
    assert other("common.yes") not in branches


@pytest.mark.parametrize(("pathway", "lang"), CHARTS)
def test_long_labels_are_wrapped_between_words_never_cut(pathway: str, lang: str) -> None:
    for node in chart(pathway, lang).nodes.values():
        lines = dot.wrap(node.text, dot.WIDTH[node.kind])
        assert " ".join(lines) == " ".join(node.text.split()), node.text
        assert all(len(line) <= dot.WIDTH[node.kind] or " " not in line for line in lines)
        assert dot.label(node).split("\\n")[:len(lines)] == [dot._quote(x) for x in lines]


def test_urgency_first_with_the_window_in_the_action() -> None:
    nl = chart("spine.diagnosis", "nl")
    assert next(iter(nl.clusters)) == "mri_within_hours"
    assert next(iter(chart("spine.treatment", "en").clusters)) == "start_treatment_within_hours"
    actions = [n.text for n in nl.nodes.values() if n.kind == "urgent"]
    assert "MRI van de gehele wervelkolom binnen 12 uur" in actions
    assert "MRI of the whole spine within 1 week" in [
        n.text for n in chart("spine.diagnosis", "en").nodes.values()]


def test_applicability_is_a_gate_before_the_fields_subtree() -> None:
    c = chart("spine.diagnosis", "en")
    gate = next(e.src for e in c.edges if c.nodes[e.dst].kind == "na"
                and c.nodes[e.dst].cluster == "corticosteroids")
    assert "MRI result" in c.nodes[gate].text
    assert sum(1 for n in c.nodes.values() if n.kind == "na" and n.cluster == "labs") == 0


def test_the_patients_path_is_marked_and_the_rest_faded() -> None:
    c = chart("spine.alarm", "en")
    reached, edges = taken(c, {"sudden_weakness": True})
    now = {n.id for n in c.nodes.values() if n.text.startswith("Contact the treating doctor now")}
    assert len(now & reached) == 1  # the sudden-symptom branch, not the I-9 one
    assert not any(n.text.startswith("No alarm") for n in c.nodes.values() if n.id in reached)
    marked = path_dot("spine.alarm", "en", {"sudden_weakness": True})
    assert marked.count(f'color="{dot.PATH}"') == 2 * len(edges) + len(reached) - 2
    assert dot.FADED in marked
    nothing, no_edges = taken(c, {})
    assert all(not c.edges[i].requires for i in no_edges)  # only start -> section -> field
    assert all(c.nodes[n].kind != "action" for n in nothing)
    # An unknown answer stops the path at that question (shown as open).
    halfway, _ = taken(c, {k: False for k in ("sudden_weakness", "sudden_control_problems")})
    assert any(c.nodes[n].kind == "decision" for n in halfway)
    assert f'color="{dot.OPEN_Q}"' in path_dot("spine.alarm", "en", {"sudden_weakness": False})


@pytest.mark.parametrize("pathway", GUIDELINE_PATHWAYS)
def test_path_picture_fits_a_telegram_photo_in_under_2_s(pathway: str) -> None:
    findings = first_case(pathway)
    runs = [path_picture(pathway, "nl", findings) for _ in range(3)]
    if runs[0].engine == "text":
        pytest.skip(f"no engine can draw here: {runs[0].why}")
    width, height = png_size(runs[0].data)
    ms = [r.ms for r in runs]
    sys.stdout.write(f"\n{pathway}: {runs[0].engine} {width}x{height} px "
                     f"{len(runs[0].data) // 1024} KiB, render ms {[round(x) for x in ms]}\n")
    assert width + height <= 10_000
    assert max(width, height) / min(width, height) <= 20
    assert len(runs[0].data) < 10 * 1024 * 1024
    assert min(ms) < 2000, f"render took {ms} ms"  # best of 3: other jobs share the machine
    assert statistics.median(ms) < 4000


def _script(tmp_path: Path, name: str, body: str) -> str:
    exe = tmp_path / name
    exe.write_text(f"#!{sys.executable}\nimport sys, time\n{body}\n")
    exe.chmod(0o755)
    return str(exe)


def test_missing_engine_falls_back_to_the_next_and_says_so(monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    real = engines.find("graphviz-pure")
    if real is None:
        pytest.skip("graphviz-pure is not installed")
    stand_in = {"graphviz-pure": None, "dot": real}  # a system dot stands in for the wheel
    monkeypatch.setattr(engines, "find", lambda name: stand_in.get(name))
    picture = path_picture("spine.alarm", "en", {})
    assert picture.engine == "dot" and picture.format == "png"
    assert picture.why == ("graphviz-pure: not installed",)
    png_size(picture.data)


def test_no_engine_gives_the_mermaid_text(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    found = {"graphviz-pure": _script(tmp_path, "gp", "sys.stderr.write('boom\\n'); sys.exit(3)"),
             "dot": _script(tmp_path, "dot", "time.sleep(5)")}
    monkeypatch.setattr(engines, "find", lambda name: found.get(name))
    picture = path_picture("spine.alarm", "nl", {"sudden_weakness": True}, timeout=0.5)
    assert picture.engine == "text" and picture.format == "mmd" and not picture.picture
    assert picture.why == ("graphviz-pure: exit 3 (boom)", "dot: timed out after 0.5 s")
    text = picture.data.decode()
    assert text.startswith("%% spine.alarm (nl)") and "==>" in text and "Ja" in text
    assert picture.ms < 3000


def test_render_refuses_the_event_loop_and_works_in_a_thread() -> None:
    source = path_dot("spine.alarm", "en", {})

    async def bot() -> str:
        with pytest.raises(RuntimeError, match="thread"):
            render(source, "png")
        return (await asyncio.to_thread(render, source, "svg")).engine

    assert asyncio.run(bot()) in (*engines.ENGINES, engines.TEXT)
