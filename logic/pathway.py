"""What a pathway is: its findings model, its decision fields with rule and source, its rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .compiler import Evaluate, compile_rules
from .facts import Facts
from .findings import Findings
from .outcome import Outcome, make
from .rules import Fields

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
    """``rules`` builds every field's rule over the findings (:mod:`logic.rules`); they are
    compiled once, here, into :attr:`evaluate`."""

    id: str
    guideline: str
    findings: type[Findings]
    fields: tuple[FieldRule, ...]
    rules: Callable[[Facts], Fields]
    evaluate: Evaluate = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        evaluate = compile_rules(self.findings, self.rules, self.field_names)
        object.__setattr__(self, "evaluate", evaluate)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> FieldRule:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def decide(self, findings: Findings) -> dict[str, Outcome]:
        """Every field's outcome for ``findings`` (of this pathway's model), in field order."""
        return {rule.name: make(possible, because, needs, current)
                for rule, (possible, current, because, needs)
                in zip(self.fields, self.evaluate(findings), strict=True)}
