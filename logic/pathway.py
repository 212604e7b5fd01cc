"""What a pathway is: its findings model and its rules (decision fields with the condition each
applies under, and when each finding applies), built once and compiled once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .compiler import Evaluate, Parts, compile_rules
from .facts import Facts
from .findings import Findings
from .outcome import Outcome, make
from .rules import ALWAYS, Decision, Rule, Rules, decision, rule

GUIDELINES: dict[str, str] = {
    "spine": "2022-01, revision 2024-01",
    "lm": "2022-09, planned revision 2027",
}


@dataclass(frozen=True, slots=True)
class Built:
    """A pathway's rule graph: per field its decision; per finding the condition it applies
    under (``ALWAYS`` when the spec names none). ``nodes`` lays them out flat for the evaluators:
    every field's rule, then every field's condition, then every finding's condition."""

    fields: dict[str, Decision]
    finding_applies: dict[str, Rule]
    terms: dict[str, Rule]  # named parts, shown by name in docs/rules.md

    @property
    def nodes(self) -> tuple[Rule, ...]:
        return (*(d.rule for d in self.fields.values()),
                *(d.applies for d in self.fields.values()),
                *self.finding_applies.values())

    def gates(self, parts: tuple[Parts, ...]) -> dict[str, Parts]:
        """Each finding's condition, read out of evaluated :attr:`nodes`."""
        offset = 2 * len(self.fields)
        return {name: parts[offset + k] for k, name in enumerate(self.finding_applies)}


@dataclass(frozen=True, slots=True)
class Pathway:
    """``rules`` builds the pathway's rule graph over its findings (:mod:`logic.rules`); it is
    built and compiled once, here (:attr:`built`, :attr:`evaluate`)."""

    id: str
    guideline: str
    findings: type[Findings]
    rules: Callable[[Facts], Rules]
    built: Built = field(init=False, repr=False, compare=False)
    evaluate: Evaluate = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        made = self.rules(Facts(self.findings))
        names = tuple(self.findings.model_fields)
        unknown = [n for n in made.applies if n not in names]
        if unknown:
            raise KeyError(f"{self.id}: conditions for findings it does not have: {unknown}")
        built = Built(
            fields={name: d if isinstance(d, Decision) else decision(d)
                    for name, d in made.fields.items()},
            finding_applies={n: rule(made.applies[n]) if n in made.applies else ALWAYS
                             for n in names},
            terms={n: rule(t) for n, t in made.terms.items()},
        )
        object.__setattr__(self, "built", built)
        object.__setattr__(self, "evaluate",
                           compile_rules(built.nodes, f"{self.rules.__module__}.rules"))

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(self.built.fields)

    def decide(self, findings: Findings) -> dict[str, Outcome]:
        """Every field's rule outcome for ``findings`` (of this pathway's model), in field
        order, without the conditions (the advice applies those)."""
        parts = self.evaluate(findings)
        return {name: make(possible, because, needs, current)
                for name, (possible, current, because, needs)
                in zip(self.built.fields, parts, strict=False)}
