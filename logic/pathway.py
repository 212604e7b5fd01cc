"""What a pathway is: its findings model, its decision fields with rule and source, its decide."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .findings import Findings
from .outcome import Outcome

GUIDELINES: dict[str, str] = {
    "spine": "2022-01, revision 2024-01",
    "lm": "2022-09, planned revision 2027",
}


@dataclass(frozen=True, slots=True)
class FieldRule:
    """One decision field: the rule in words, its source reference, its interpretations."""

    name: str
    rule: str
    source: str
    interpretations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Pathway:
    id: str
    guideline: str
    findings: type[Findings]
    fields: tuple[FieldRule, ...]
    decide: Callable[[Findings], Mapping[str, Outcome]]

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> FieldRule:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)
