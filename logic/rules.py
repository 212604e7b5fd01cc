"""The rule vocabulary: a pathway's rules as data, built once at import.

A pathway writes its rules with the combinators below over :class:`logic.facts.Facts`; they build a
small graph of :class:`Rule` nodes that :mod:`logic.compiler` turns, once, into one plain function
giving every field's :class:`~logic.outcome.Outcome` for a findings set. An :class:`Outcome` may
stand wherever a rule is expected: it is a constant (e.g. ``known(LABS, (), DX2)``).

What each combinator gives over partly known findings (the compiler implements exactly this):

* a finding test (:class:`Fact`) is open, needing the finding, while it is absent, else true or
  false because of it;
* :func:`any_` (Kleene OR) is true as soon as one part is true, because of every part known to be
  true (the rationale names every finding that led there, spec §3), and false when every part is
  false, because of all of them; while open, it is because of the parts already false and needs
  what the open parts need. :func:`all_` (AND) is the same with true and false swapped;
* :func:`at_least` is decided once enough parts are true (because of those) or too few can be
  (because of all); while open, because of the decided parts, needing the open ones;
* :func:`first`: the first rule whose condition holds gives its value; the default applies when none
  does. A later rule giving the same plain value whose condition holds too also led to it: its
  findings join the rationale (the value rests on the first one's source and interpretations).
  While a condition is open, its value and everything after it stay possible (the condition's
  needs first, then its value's); when all possible values are equal the outcome is decided
  anyway.
  The same value from several branches keeps the first source and the interpretations they
  share (one is raised only when the value certainly rests on it);
* :func:`collect`: the codes whose condition holds, decided once every condition is;
* :func:`map_value` applies a function to every possible value (decided when the results agree);
  :func:`with_branch` / :func:`sourced` put a source (and interpretations) on every possible value;
* :func:`custom` computes an outcome in Python from the findings (and the values of other rules),
  for the few rules that are tables or sums rather than logic.

Every combinator is sound: a decided outcome keeps its value whatever unknown finding becomes known
later. That is what lets the dialog ask only what can still change a decision, and never show a
decision that a later answer overturns.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .outcome import NO_BRANCH, TRUE, Branch, Outcome, Value

FactTest = Literal["flag", "in", "gt", "ge", "has", "has_other_than", "test"]


class Rule:
    """A node of a pathway's rule graph. Nodes are immutable; one used by several rules is
    evaluated once per advice."""

    __slots__ = ()


Cond = Rule | Outcome  # an outcome stands for a constant rule


@dataclass(frozen=True, slots=True, eq=False)
class Fact(Rule):
    """A test on one finding (see :class:`logic.facts.Facts` for the tests)."""

    name: str
    test: FactTest
    arg: Any = None


@dataclass(frozen=True, slots=True, eq=False)
class Constant(Rule):
    outcome: Outcome


@dataclass(frozen=True, slots=True, eq=False)
class Not(Rule):
    part: Rule


@dataclass(frozen=True, slots=True, eq=False)
class AnyOf(Rule):
    parts: tuple[Rule, ...]


@dataclass(frozen=True, slots=True, eq=False)
class AllOf(Rule):
    parts: tuple[Rule, ...]


@dataclass(frozen=True, slots=True, eq=False)
class AtLeast(Rule):
    k: int
    parts: tuple[Rule, ...]


@dataclass(frozen=True, slots=True, eq=False)
class First(Rule):
    """``rules`` are (condition, value, branch); a value is a rule or a plain value."""

    rules: tuple[tuple[Rule, Rule | Value, Branch], ...]
    default: Rule | Value
    default_branch: Branch


@dataclass(frozen=True, slots=True, eq=False)
class Collect(Rule):
    """``items`` are (code, condition, interpretations): an item's interpretations are raised
    when it is in the list."""

    items: tuple[tuple[str, Rule, tuple[str, ...]], ...]
    branch: Branch


@dataclass(frozen=True, slots=True, eq=False)
class MapValue(Rule):
    """``says`` describes the mapping in words (``{}`` stands for the part): docs/rules.md."""

    part: Rule
    fn: Callable[[Any], Value]
    branch: Branch | None
    says: str


@dataclass(frozen=True, slots=True, eq=False)
class WithBranch(Rule):
    part: Rule
    branch: Branch


@dataclass(frozen=True, slots=True, eq=False)
class Custom(Rule):
    """``fn(values, *dep_values)``: the findings by name, then the current value of every rule in
    ``deps`` (:data:`~logic.outcome.OPEN` while undecided). ``fn``'s docstring says what it does
    (docs/rules.md); ``codes`` are the code values it can give, when it gives codes."""

    fn: Callable[..., Outcome]
    deps: tuple[Rule, ...] = ()
    codes: tuple[Value, ...] = ()
    raises: tuple[str, ...] = ()  # the interpretations it can raise


def rule(x: Cond) -> Rule:
    return Constant(x) if isinstance(x, Outcome) else x


def _value(x: Rule | Outcome | Value) -> Rule | Value:
    return Constant(x) if isinstance(x, Outcome) else x


def not_(o: Cond) -> Rule:
    return Not(rule(o))


def any_(*os: Cond) -> Rule:
    """Kleene OR: true as soon as one part is true; false only when all parts are false."""
    return AnyOf(tuple(rule(o) for o in os))


def all_(*os: Cond) -> Rule:
    """Kleene AND: false as soon as one part is false; true only when all parts are true."""
    return AllOf(tuple(rule(o) for o in os))


def at_least(k: int, os: Sequence[Cond]) -> Rule:
    """True when at least ``k`` of the parts are true, as soon as that is certain either way."""
    return AtLeast(k, tuple(rule(o) for o in os))


def first(rules: Sequence[tuple[Cond, Cond | Value, Branch]], default: Cond | Value,
          default_branch: Branch = NO_BRANCH) -> Rule:
    """First matching rule wins; the default applies when no condition holds.

    A rule's value may itself be a rule (a nested decision). While a condition is unknown, its
    value and everything after it stay possible; when all possible values are equal the outcome is
    decided anyway (e.g. both branches give ``weekly``).
    """
    return First(tuple((rule(c), _value(v), b) for c, v, b in rules), _value(default),
                 default_branch)


def collect(items: Sequence[tuple[str, Cond] | tuple[str, Cond, tuple[str, ...]]],
            branch: Branch = NO_BRANCH) -> Rule:
    """A list decision: the codes whose condition holds, decided once every condition is. An
    item may name interpretations (a third element) that the list rests on when it holds."""
    return Collect(tuple((item[0], rule(item[1]), item[2] if len(item) > 2 else ())
                         for item in items), branch)


def map_value(o: Cond, fn: Callable[[Any], Value], says: str,
              branch: Branch | None = None) -> Rule:
    """Apply ``fn`` to every possible value; decided when all results agree. ``says`` puts the
    mapping in words, ``{}`` standing for ``o`` (e.g. ``"{} is radiotherapy"``)."""
    return MapValue(rule(o), fn, branch, says)


def equals(o: Cond, *values: Value) -> Rule:
    """``o``'s value is one of ``values`` (a test on another rule's value)."""
    shown = " or ".join(str(v) for v in values)
    return MapValue(rule(o), lambda v: v in values, None, f"{{}} is {shown}")


def with_branch(o: Cond, branch: Branch) -> Rule:
    """Attach a source and interpretations to every possible value of ``o``."""
    return WithBranch(rule(o), branch)


def sourced(o: Cond, source: str, *interpretations: str) -> Rule:
    """``o`` with a source reference (and interpretations) on every possible value."""
    return with_branch(o, Branch(source, interpretations))


def custom(fn: Callable[..., Outcome], *deps: Cond, codes: tuple[Value, ...] = (),
           raises: tuple[str, ...] = ()) -> Rule:
    """An outcome computed by ``fn(values, *dep_values)`` (see :class:`Custom`)."""
    return Custom(fn, tuple(rule(d) for d in deps), codes, raises)


@dataclass(frozen=True, slots=True, eq=False)
class Decision:
    """A decision field: its rule and the condition under which it applies (spec §3.0). While
    ``applies`` is open the field is undecided; when it is false the field is not applicable."""

    rule: Rule
    applies: Rule


ALWAYS = Constant(TRUE)  # the condition of a field or finding that always applies


def decision(value: Cond, applies: Cond | None = None) -> Decision:
    return Decision(rule(value), ALWAYS if applies is None else rule(applies))


Fields = Mapping[str, "Cond | Decision"]  # a pathway's rules: every decision field by name
Applies = Mapping[str, Cond]  # a pathway's findings: when each applies (absent: always)


@dataclass(frozen=True, slots=True)
class Rules:
    """What a pathway's rule function builds: its decision fields, in the order the advice
    lists them, and when each finding applies (spec §2 "applies when"; absent: always)."""

    fields: Fields
    applies: Applies
    terms: Mapping[str, Cond] = dataclasses.field(default_factory=dict)  # named parts (docs)
