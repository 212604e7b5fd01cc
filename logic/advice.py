"""The advice object (spec §3, §8) and the function that makes it from a pathway's findings."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from pydantic import BaseModel

from .compiler import Parts
from .findings import Findings
from .interpret import Evaluator, unless
from .interpretations import INTERPRETATIONS
from .outcome import OPEN
from .pathway import GUIDELINES, Pathway
from .pathways import PATHWAYS
from .urgency import URGENCY_FIELDS, most_urgent


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


@dataclass(frozen=True, slots=True)
class Provisional:
    """The fail-safe value of an undecided urgency (spec §3.0): the most urgent value still
    possible, and the findings whose answers could make it less urgent."""

    value: Any
    unless: list[str]


SPEC_VERSION = 2


class Advice(BaseModel):
    pathway: str
    guideline: Guideline
    spec_version: int = SPEC_VERSION
    decisions: dict[str, Any]
    provisional: dict[str, Provisional]
    not_applicable: list[str]
    missing: list[str]
    ignored: list[str]
    interpretations: list[Interpretation]
    rationale: list[Rationale]
    missing_by_decision: dict[str, list[str]]

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
_ORDER = {i: int(i[2:]) for i in INTERPRETATIONS}  # I-1, I-2, ..., I-16 in numeric order


class _Values:
    """Findings by name as the compiled rules read them (``findings.__dict__``), without
    validating again what was validated."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__ = values


def _applicable(pathway: Pathway, findings: Findings,
                ) -> tuple[Findings, tuple[Parts, ...], list[str]]:
    """The findings without those given where they cannot apply (spec §2: accepted, ignored and
    listed), the evaluated parts over what remains, and the names ignored. Dropping a finding can
    make another one inapplicable, hence the loop (at most once per finding)."""
    parts = pathway.evaluate(findings)
    ignored: list[str] = []
    while True:
        values = findings.__dict__
        drop = [name for name, gate in pathway.built.gates(parts).items()
                if gate[1] is False and values[name] is not None]
        if not drop:
            return findings, parts, ignored
        ignored += drop
        # The same values without the dropped ones, as the rules read them (validated already).
        findings = cast(Findings, _Values({**values, **dict.fromkeys(drop)}))
        parts = pathway.evaluate(findings)


def advise_findings(pathway: Pathway, findings: Findings) -> Advice:
    findings, parts, ignored = _applicable(pathway, findings)
    built = pathway.built
    count = len(built.fields)
    gates = built.gates(parts)
    cannot_apply = {name for name, gate in gates.items() if gate[1] is False}

    def gated(names: tuple[str, ...], into: dict[str, None]) -> None:
        """``names`` in order, each after what its own condition still needs (ask whether the
        MRI shows a metastasis before asking what it shows), without the inapplicable ones."""
        for name in names:
            if name in into or name in cannot_apply:
                continue
            into[name] = None  # placed (guards against a condition that names the finding)
            del into[name]
            gate = gates[name]
            if gate[1] is OPEN:
                gated(tuple(n for n in gate[3] if n != name), into)
            into[name] = None
    decisions: dict[str, Any] = {}
    provisional: dict[str, Provisional] = {}
    not_applicable: list[str] = []
    missing: dict[str, None] = {}
    missing_by: dict[str, list[str]] = {}
    rationale: list[Rationale] = []
    used: set[str] = set()
    evaluator: Evaluator | None = None  # made only when an urgency is undecided
    for k, (name, dec) in enumerate(built.fields.items()):
        possible, value, because, needs = parts[k]
        _, applies, applies_because, applies_needs = parts[count + k]
        if applies is False:
            decisions[name] = None
            not_applicable.append(name)
            continue
        if applies is True and value is not OPEN:
            decisions[name] = value if type(value) in _PLAIN else to_json(value)
            branch = possible[value]  # type: ignore[index]  # decided: one possible value
            if branch.interpretations:
                used.update(branch.interpretations)
            if applies_because:
                because = tuple(dict.fromkeys((*because, *applies_because)))
            rationale.append(Rationale(name, list(because), branch.source,
                                       list(branch.interpretations)))
            continue
        decisions[name] = None
        wanted = (*(needs if value is OPEN else ()), *(applies_needs if applies is OPEN else ()))
        ordered: dict[str, None] = {}
        gated(wanted, ordered)
        missing_by[name] = list(ordered)
        missing.update(ordered)
        if name in URGENCY_FIELDS:
            if evaluator is None:
                evaluator = Evaluator(findings.__dict__)
            values = list(possible) if value is OPEN and possible is not None else [value]
            if applies is OPEN:
                values.append(None)
            target = most_urgent(name, values)
            unless_ = unless(evaluator, dec.rule, target) if value is OPEN else ()
            if applies is OPEN:
                unless_ = (*unless_, *applies_needs)
            provisional[name] = Provisional(target, list(dict.fromkeys(unless_)))
            if possible is not None and target in possible:
                used.update(possible[target].interpretations)
    return _advice(
        pathway=pathway.id,
        guideline=_GUIDELINES[pathway.guideline],
        spec_version=SPEC_VERSION,
        decisions=decisions,
        provisional=provisional,
        not_applicable=not_applicable,
        missing=list(missing),
        ignored=ignored,
        interpretations=[_INTERPRETATIONS[i] for i in sorted(used, key=_ORDER.__getitem__)],
        rationale=rationale,
        missing_by_decision=missing_by,
    )


def open_conditions(pathway_id: str, findings: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """For every finding whose "applies when" is still open: the findings it waits on."""
    pathway = PATHWAYS[pathway_id]
    _, parts, _ = _applicable(pathway, pathway.findings.model_validate(findings))
    return {name: gate[3] for name, gate in pathway.built.gates(parts).items()
            if gate[1] is OPEN}


def advise(pathway_id: str, findings: Mapping[str, Any] | Findings) -> Advice:
    """The advice for a pathway id and its findings (a mapping is validated first)."""
    pathway = PATHWAYS[pathway_id]
    if not isinstance(findings, Findings):
        findings = pathway.findings.model_validate(findings)
    return advise_findings(pathway, findings)
