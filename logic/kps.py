"""The Karnofsky performance scale as a calculator (lm Bijlage 1). Texts are in the catalogs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .facts import Facts
from .findings import KpsFindings
from .outcome import Branch, Outcome, known
from .pathway import Pathway
from .rules import Rules, custom, sourced

SOURCE = "lm:app-1"
# The eleven descriptions 100..10 of lm Bijlage 1 (0 = dead is not offered), as codes.
KPS_TABLE: tuple[tuple[int, str], ...] = tuple((v, f"kps_{v}") for v in range(100, 0, -10))

def _description(values: Mapping[str, Any]) -> Outcome:
    """the description of the chosen score (lm Bijlage 1)"""
    kps = values["kps"]
    return (
        known(f"kps_{kps}", ("kps",), Branch(SOURCE)) if kps is not None
        else Outcome(None, (), ("kps",))
    )


def _rules(f: Facts) -> Rules:
    return Rules({
        "kps_description": custom(_description, codes=tuple(code for _, code in KPS_TABLE)),
        "kps_at_least_70": sourced(f.ge("kps", 70), "lm:app-1, lm:tx-1"),
    }, {})


PATHWAY = Pathway("calc.kps", "lm", KpsFindings, _rules)
