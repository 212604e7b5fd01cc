"""The advice object (spec §3, §8) and the function that makes it from a pathway's findings."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from .findings import Findings
from .interpretations import INTERPRETATIONS
from .outcome import OPEN
from .pathway import GUIDELINES, Pathway
from .pathways import PATHWAYS


@dataclass(frozen=True, slots=True)
class Guideline:
    id: str
    version: str


@dataclass(frozen=True, slots=True)
class Interpretation:
    id: str
    text: str


@dataclass(slots=True)
class Rationale:
    """Why a field is decided as it is. Not frozen (its lists never were immutable anyway): one is
    made for every decided field of every advice, and a frozen dataclass costs three times as
    much to make. Treat it as read-only."""

    decision: str
    because: list[str]
    source: str
    interpretations: list[str] = field(default_factory=list)


class Advice(BaseModel):
    pathway: str
    guideline: Guideline
    decisions: dict[str, Any]
    missing: list[str]
    missing_by_decision: dict[str, list[str]]
    interpretations: list[Interpretation]
    rationale: list[Rationale]

    def settled(self) -> dict[str, Any]:
        """The decided fields only (a decision that does not apply counts as decided)."""
        return {k: v for k, v in self.decisions.items() if k not in self.missing_by_decision}


_PLAIN = (bool, int, float, str, type(None))
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # per dataclass type, its field names


def to_json(value: Any) -> Any:
    """Decision values (tuples, frozen dataclasses) as JSON-ready data."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is tuple or kind is list:  # the common list decision, before the slower checks
        return [v if type(v) in _PLAIN else to_json(v) for v in value]
    if hasattr(value, "to_json"):
        return value.to_json()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES.get(kind)
        if names is None:
            names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(value))
        return {name: to_json(getattr(value, name)) for name in names}
    if isinstance(value, tuple | list):
        return [to_json(v) for v in value]
    return value


_setattr = object.__setattr__
_ADVICE_FIELDS = frozenset(Advice.model_fields)


def _advice(**fields: Any) -> Advice:
    """``Advice.model_construct(**fields)`` for every field, trusted: what it sets, set directly
    (its per-field alias and default handling is a third of the cost of a small advice). A test
    keeps the two equal."""
    advice = Advice.__new__(Advice)
    _setattr(advice, "__dict__", fields)
    _setattr(advice, "__pydantic_fields_set__", set(_ADVICE_FIELDS))
    _setattr(advice, "__pydantic_extra__", None)
    _setattr(advice, "__pydantic_private__", None)
    return advice


# Made once: the guidelines and interpretations an advice names (immutable, so shared).
_GUIDELINES = {g: Guideline(g, version) for g, version in GUIDELINES.items()}
_INTERPRETATIONS = {i: Interpretation(i, text) for i, text in INTERPRETATIONS.items()}
_ORDER = {i: int(i[2:]) for i in INTERPRETATIONS}  # I-1, I-2, ..., I-10 in numeric order


def advise_findings(pathway: Pathway, findings: Findings) -> Advice:
    decisions: dict[str, Any] = {}
    missing: dict[str, None] = {}
    missing_by: dict[str, list[str]] = {}
    rationale: list[Rationale] = []
    used: set[str] = set()
    # The parts of every field's outcome (see Pathway.decide), read without making outcomes.
    parts = pathway.evaluate(findings)
    for rule, (possible, value, because, needs) in zip(pathway.fields, parts, strict=True):
        name = rule.name
        if value is OPEN:
            decisions[name] = None
            missing_by[name] = list(needs)
            missing.update(dict.fromkeys(needs))
        else:
            decisions[name] = value if type(value) in _PLAIN else to_json(value)
            branch = possible[value]  # type: ignore[index]  # decided: one possible value
            if branch.interpretations:
                used.update(branch.interpretations)
            rationale.append(Rationale(name, list(because), branch.source or rule.source,
                                       list(branch.interpretations)))
    return _advice(
        pathway=pathway.id,
        guideline=_GUIDELINES[pathway.guideline],
        decisions=decisions,
        missing=list(missing),
        missing_by_decision=missing_by,
        interpretations=[_INTERPRETATIONS[i] for i in sorted(used, key=_ORDER.__getitem__)],
        rationale=rationale,
    )


def advise(pathway_id: str, findings: Mapping[str, Any] | Findings) -> Advice:
    """The advice for a pathway id and its findings (a mapping is validated first)."""
    pathway = PATHWAYS[pathway_id]
    if not isinstance(findings, Findings):
        findings = pathway.findings.model_validate(findings)
    return advise_findings(pathway, findings)
