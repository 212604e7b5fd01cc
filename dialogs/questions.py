"""Questions as data: what each asks, which finding(s) it sets, its kind and its options.

Options and ranges come from the logic's finding domains (one source of truth); only the texts are
keys into the catalogs (see :mod:`dialogs.keys`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from logic.domains import Domain, domains
from logic.findings import Findings

Kind = Literal["bool", "choice", "multi", "number"]
UNKNOWN = "?"


@dataclass(frozen=True, slots=True)
class Option:
    value: str | int
    label: str  # message key


@dataclass(frozen=True, slots=True)
class Question:
    """One question. ``finding`` is set by bool, choice, number and list-valued multi questions; a
    multi question over several boolean findings names them in ``findings`` instead."""

    id: str
    kind: Kind
    text: str  # message key
    finding: str | None = None
    findings: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()
    unit: str | None = None  # message key
    low: float | None = None
    high: float | None = None
    step: int | None = None
    integer: bool = False
    help: str | None = None  # message key with extra guidance, if any

    @property
    def sets(self) -> tuple[str, ...]:
        """Every finding this question sets."""
        return self.findings if self.findings else ((self.finding,) if self.finding else ())

    def option(self, value: object) -> Option | None:
        for opt in self.options:
            if opt.value == value:
                return opt
        return None


def option_key(finding: str, value: object) -> str:
    return f"opt.{finding}.{value}"


def question_key(pathway: str, qid: str) -> str:
    return f"q.{pathway.replace('.', '_')}.{qid}"


@dataclass(frozen=True)
class QuestionBuilder:
    """Builds the questions of one pathway from its findings model."""

    pathway: str
    model: type[Findings]
    _domains: dict[str, Domain] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_domains", domains(self.model))

    def _text(self, qid: str) -> str:
        return question_key(self.pathway, qid)

    def yes_no(self, finding: str, qid: str | None = None) -> Question:
        assert self._domains[finding].kind == "bool", finding
        qid = qid or finding
        return Question(qid, "bool", self._text(qid), finding=finding)

    def choice(self, finding: str, qid: str | None = None) -> Question:
        return self._options("choice", finding, qid)

    def multi(self, finding: str, qid: str | None = None) -> Question:
        """A list-valued finding: several of its values may be chosen."""
        return self._options("multi", finding, qid)

    def _options(self, kind: Literal["choice", "multi"], finding: str, qid: str | None) -> Question:
        domain = self._domains[finding]
        assert domain.kind == kind, finding
        qid = qid or finding
        opts = tuple(Option(v, option_key(finding, v)) for v in domain.values)
        return Question(qid, kind, self._text(qid), finding=finding, options=opts)

    def flags(self, qid: str, *findings: str) -> Question:
        """A multi question over boolean findings: the chosen become true, the others false."""
        assert all(self._domains[f].kind == "bool" for f in findings), findings
        opts = tuple(Option(f, option_key("flag", f)) for f in findings)
        return Question(qid, "multi", self._text(qid), findings=findings, options=opts)

    def number(self, finding: str, unit: str, *, qid: str | None = None, high: float | None = None,
               presets: tuple[tuple[int, str], ...] = ()) -> Question:
        domain = self._domains[finding]
        assert domain.kind == "number", finding
        qid = qid or finding
        upper = domain.high if domain.high is not None else high
        opts = tuple(Option(v, label) for v, label in presets)
        return Question(qid, "number", self._text(qid), finding=finding, options=opts, unit=unit,
                        low=domain.low, high=upper, step=domain.step, integer=domain.integer)
