"""The advice object (spec §3, §8) and the function that makes it from a pathway's findings."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from .findings import Findings
from .interpretations import INTERPRETATIONS
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


@dataclass(frozen=True, slots=True)
class Rationale:
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


def to_json(value: Any) -> Any:
    """Decision values (tuples, frozen dataclasses) as JSON-ready data."""
    if type(value) in _PLAIN:
        return value
    if hasattr(value, "to_json"):
        return value.to_json()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_json(v) for v in value]
    return value


def advise_findings(pathway: Pathway, findings: Findings) -> Advice:
    outcomes = pathway.decide(findings)
    decisions: dict[str, Any] = {}
    missing_by: dict[str, list[str]] = {}
    rationale: list[Rationale] = []
    used: dict[str, None] = {}
    for name in pathway.field_names:
        outcome = outcomes[name]
        if outcome.decided:
            decisions[name] = to_json(outcome.value)
            branch = outcome.branch
            used.update(dict.fromkeys(branch.interpretations))
            rationale.append(Rationale(name, list(outcome.because),
                                       branch.source or pathway.field(name).source,
                                       list(branch.interpretations)))
        else:
            decisions[name] = None
            missing_by[name] = list(outcome.needs)
    missing = list(dict.fromkeys(n for needs in missing_by.values() for n in needs))
    return Advice.model_construct(
        pathway=pathway.id,
        guideline=Guideline(pathway.guideline, GUIDELINES[pathway.guideline]),
        decisions=decisions,
        missing=missing,
        missing_by_decision=missing_by,
        interpretations=[Interpretation(i, INTERPRETATIONS[i])
                         for i in sorted(used, key=lambda i: int(i[2:]))],
        rationale=rationale,
    )


def advise(pathway_id: str, findings: Mapping[str, Any] | Findings) -> Advice:
    """The advice for a pathway id and its findings (a mapping is validated first)."""
    pathway = PATHWAYS[pathway_id]
    if not isinstance(findings, Findings):
        findings = pathway.findings.model_validate(findings)
    return advise_findings(pathway, findings)
