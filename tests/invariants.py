"""The coherence invariants of spec §3.0 (C1–C7, C9) as checks over advice objects and walks.

Each check returns the names of the invariants an advice breaks, with what broke them; an empty
list means coherent. The logic walks (tests/test_invariants.py) and the dialog walks use them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from logic.advice import Advice
from logic.pathway import Pathway
from logic.urgency import URGENCY_FIELDS, rank

TARGETED = {"osimertinib", "alk_inhibitor", "braf_mek"}


def cannot_apply(pathway: Pathway, advice_findings: Mapping[str, Any]) -> set[str]:
    """The findings whose "applies when" is false for these findings."""
    parts = pathway.evaluate(pathway.findings.model_validate(advice_findings))
    return {name for name, gate in pathway.built.gates(parts).items() if gate[1] is False}


def check_advice(pathway: Pathway, findings: Mapping[str, Any], advice: Advice) -> list[str]:
    """C1 (over ``missing``), C2, C3, C4, C5, C6, C7 for one advice."""
    d = advice.decisions
    broken: list[str] = []

    def fail(invariant: str, what: str) -> None:
        broken.append(f"{invariant}: {what}")

    inapplicable = cannot_apply(pathway, findings)
    for name in advice.missing:
        if name in inapplicable:
            fail("C1", f"{name} is missing although it cannot apply")
        if not any(name in needs for f, needs in advice.missing_by_decision.items()
                   if f not in advice.not_applicable):
            fail("C1", f"{name} is missing although no applicable field needs it")
    for name in advice.not_applicable:
        if d[name] is not None:
            fail("C2", f"{name} is not applicable but has the value {d[name]!r}")
        if name in advice.missing_by_decision or name in advice.provisional:
            fail("C2", f"{name} is not applicable but shown as undecided")
    lp_settled = ("lumbar_puncture" in advice.not_applicable
                  or "lumbar_puncture" not in advice.missing_by_decision)
    if pathway.id == "lm.diagnosis" and lp_settled and d["lumbar_puncture"] != "indicated":
        for name in ("opening_pressure", "extra_csf_tests", "diagnosis"):
            if d[name] is not None or name in advice.missing_by_decision:
                fail("C3", f"{name} shown while lumbar_puncture is {d['lumbar_puncture']!r}")
        asked = {"lp_number", "cytology", "high_clinical_suspicion"} & set(advice.missing)
        if asked:
            fail("C3", f"{sorted(asked)} asked while lumbar_puncture is {d['lumbar_puncture']!r}")
    if pathway.id == "lm.treatment":
        options = set(d["systemic_options"] or ())
        if d["primary_treatment"] == "best_supportive_care" and options:
            fail("C4", f"best supportive care with systemic options {sorted(options)}")
        if d["primary_treatment"] == "targeted_despite_low_kps" and not options <= TARGETED:
            fail("C4", f"targeted despite low KPS with {sorted(options - TARGETED)}")
        kps = findings.get("kps")
        if (d["lm_category"] in (1, 2) and kps is not None and kps >= 70
                and "targeted_option" not in advice.not_applicable):
            fail("C4", "targeted_option shown with category 1-2 and KPS >= 70")
        radio = set(d["radiotherapy"] or ())
        if {"wbrt", "wbrt_bridge"} <= radio:
            fail("C7", "WBRT both as a treatment and as a bridge to weigh")
    if pathway.id == "spine.treatment":
        if d["rt_schedule"] is not None and d["primary_treatment"] != "radiotherapy":
            fail("C5", f"rt_schedule with primary_treatment {d['primary_treatment']!r}")
        if d["postop_rt"] is not None and d["primary_treatment"] != "surgery":
            fail("C5", f"postop_rt with primary_treatment {d['primary_treatment']!r}")
        if ("taper_steroids" in (d["follow_up"] or ()) and d["dexamethasone"] is not None
                and d["dexamethasone"] not in ("start", "optional")):
            fail("C5", f"steroid taper with dexamethasone {d['dexamethasone']!r}")
    if pathway.id == "spine.diagnosis":
        mri = findings.get("mri_result")
        if mri is not None and mri != "spinal_metastasis" and (
                d["relation_doubt"] is not None or "relation_doubt" in advice.missing_by_decision):
            fail("C6", f"relation_doubt shown with mri_result {mri!r}")
        if d["histology_needed"] is False and d["corticosteroids"] == "withhold":
            fail("C6", "no histology needed next to steroids withheld until the biopsy")
    return broken


def less_urgent_than(field: str, provisional: Any, final: Any) -> bool:
    """C9: the provisional value may not be less urgent than the value finally decided."""
    return rank(field, provisional) > rank(field, final)


def final_urgency(advice: Advice, field: str) -> Any:
    """The urgency an advice ends with: decided, or its provisional value."""
    if field in advice.provisional:
        return advice.provisional[field].value
    return advice.decisions[field]


def check_step(before: Advice, after: Advice) -> list[str]:
    """C9 along a dialog: a decided field never changes (unless an answer made a finding given
    earlier inapplicable, which is then ignored)."""
    if set(after.ignored) - set(before.ignored):
        return []
    broken = []
    for name, value in before.decisions.items():
        if name in before.missing_by_decision:
            continue
        if after.decisions[name] != value or name in after.missing_by_decision:
            broken.append(f"C9: {name} was decided as {value!r} and became "
                          f"{after.decisions[name]!r}")
    return broken


def check_urgency_path(advices: list[Advice]) -> list[str]:
    """C9: no provisional value along the way is less urgent than the final urgency."""
    last = advices[-1]
    broken = []
    for field in URGENCY_FIELDS:
        if field not in last.decisions or field in last.not_applicable:
            continue
        final = final_urgency(last, field)
        for advice in advices:
            p = advice.provisional.get(field)
            if p is not None and less_urgent_than(field, p.value, final):
                broken.append(f"C9: provisional {field} {p.value!r} is less urgent than the "
                              f"final {final!r}")
    return broken
