"""The Karnofsky performance scale as a calculator (lm Bijlage 1). Texts are in the catalogs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .facts import Facts
from .findings import KpsFindings
from .outcome import Branch, Outcome, known
from .pathway import FieldRule, Pathway
from .rules import Fields, custom, sourced

SOURCE = "lm:app-1"
# The eleven descriptions 100..10 of lm Bijlage 1 (0 = dead is not offered), as codes.
KPS_TABLE: tuple[tuple[int, str], ...] = tuple((v, f"kps_{v}") for v in range(100, 0, -10))

FIELDS = (
    FieldRule("kps_description", "the description code of the chosen score", SOURCE),
    FieldRule("kps_at_least_70", "KPS >= 70 (equivalent to ADL independence, lm:tx-1)",
              "lm:app-1, lm:tx-1"),
)


def _description(values: Mapping[str, Any]) -> Outcome:
    kps = values["kps"]
    return (
        known(f"kps_{kps}", ("kps",), Branch(SOURCE)) if kps is not None
        else Outcome(None, (), ("kps",))
    )


def _rules(f: Facts) -> Fields:
    return {
        "kps_description": custom(_description),
        "kps_at_least_70": sourced(f.ge("kps", 70), "lm:app-1, lm:tx-1"),
    }


PATHWAY = Pathway("calc.kps", "lm", KpsFindings, FIELDS, _rules)
