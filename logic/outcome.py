"""Outcomes of rules over partly known findings.

An :class:`Outcome` is what a rule can still turn out to be, given the findings known so far:

* ``possible`` maps every value the rule can still take to the branch that gives it (its source
  reference and interpretation ids); ``None`` means "too many values to list" (list decisions).
* ``because`` names the known findings that shaped the outcome (the rationale).
* ``needs`` names, most urgent first, the unknown findings that can still change it.

An outcome is *decided* when exactly one value is possible. Every combinator here is sound: a
decided outcome keeps its value whatever unknown finding becomes known later (Kleene logic,
short-circuiting, first-match rules with collapse of equal values). That is what lets the dialog ask
only what can still change a decision, and never show a decision that a later answer overturns.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Value = Hashable


@dataclass(frozen=True, slots=True)
class Branch:
    """Where a value comes from: the guideline reference and the interpretations it rests on."""

    source: str = ""
    interpretations: tuple[str, ...] = ()


NO_BRANCH = Branch()


def _dedupe(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


_OPEN = object()  # marks an undecided outcome


class Outcome:
    """Immutable by convention (never assigned after construction); a plain slotted class
    because outcomes are created by the hundred per advice and must be cheap."""

    __slots__ = ("_value", "because", "needs", "possible")

    def __init__(self, possible: Mapping[Value, Branch] | None, because: tuple[str, ...] = (),
                 needs: tuple[str, ...] = ()) -> None:
        self.possible = possible
        self.because = because
        self.needs = needs
        self._value: Any = (next(iter(possible)) if possible is not None and len(possible) == 1
                            else _OPEN)

    def __repr__(self) -> str:
        return f"Outcome({self.possible!r}, because={self.because!r}, needs={self.needs!r})"

    @property
    def decided(self) -> bool:
        return self._value is not _OPEN

    @property
    def value(self) -> Any:
        """The decided value; raises when undecided (callers check :attr:`decided`)."""
        if self._value is _OPEN:
            raise ValueError("outcome is not decided")
        return self._value

    @property
    def branch(self) -> Branch:
        if self._value is _OPEN or self.possible is None:
            raise ValueError("outcome is not decided")
        return self.possible[self._value]

    # Boolean views, for outcomes whose values are True/False.
    @property
    def true(self) -> bool:
        return self._value is True

    @property
    def false(self) -> bool:
        return self._value is False


def known(value: Value, because: Iterable[str] = (), branch: Branch = NO_BRANCH) -> Outcome:
    return Outcome({value: branch}, tuple(because), ())


def unknown(needs: Iterable[str], because: Iterable[str] = ()) -> Outcome:
    """An unknown boolean."""
    return Outcome({True: NO_BRANCH, False: NO_BRANCH}, tuple(because), tuple(needs))


TRUE = known(True)
FALSE = known(False)


def not_(o: Outcome) -> Outcome:
    if o.possible is None:
        return o
    return Outcome({not v: b for v, b in o.possible.items()}, o.because, o.needs)


def any_(*os: Outcome) -> Outcome:
    """Kleene OR: true as soon as one part is true; false only when all parts are false."""
    for o in os:
        if o.true:
            return Outcome({True: NO_BRANCH}, o.because, ())
    if all(o.false for o in os):
        return Outcome({False: NO_BRANCH}, _dedupe(f for o in os for f in o.because), ())
    return Outcome(
        {True: NO_BRANCH, False: NO_BRANCH},
        _dedupe(f for o in os if o.false for f in o.because),
        _dedupe(f for o in os if not o.decided for f in o.needs),
    )


def all_(*os: Outcome) -> Outcome:
    """Kleene AND: false as soon as one part is false; true only when all parts are true."""
    for o in os:
        if o.false:
            return Outcome({False: NO_BRANCH}, o.because, ())
    if all(o.true for o in os):
        return Outcome({True: NO_BRANCH}, _dedupe(f for o in os for f in o.because), ())
    return Outcome(
        {True: NO_BRANCH, False: NO_BRANCH},
        _dedupe(f for o in os if o.true for f in o.because),
        _dedupe(f for o in os if not o.decided for f in o.needs),
    )


def implies(a: Outcome, b: Outcome) -> Outcome:
    return any_(not_(a), b)


def at_least(k: int, os: Sequence[Outcome]) -> Outcome:
    """True when at least ``k`` of the parts are true, as soon as that is certain either way."""
    trues = [o for o in os if o.true]
    open_ = [o for o in os if not o.decided]
    if len(trues) >= k:
        return Outcome({True: NO_BRANCH}, _dedupe(f for o in trues for f in o.because), ())
    if len(trues) + len(open_) < k:
        return Outcome({False: NO_BRANCH}, _dedupe(f for o in os for f in o.because), ())
    return Outcome(
        {True: NO_BRANCH, False: NO_BRANCH},
        _dedupe(f for o in os if o.decided for f in o.because),
        _dedupe(f for o in open_ for f in o.needs),
    )


Rule = tuple[Outcome, "Value | Outcome", Branch]


def first(rules: Sequence[Rule], default: Value | Outcome, default_branch: Branch = NO_BRANCH,
          ) -> Outcome:
    """First matching rule wins; the default applies when no condition holds.

    A rule's value may itself be an outcome (a nested decision). While a condition is unknown, its
    value and everything after it stay possible; when all possible values are equal the outcome is
    decided anyway (e.g. both branches give ``weekly``).
    """
    possible: dict[Value, Branch] = {}
    because: list[str] = []
    needs: list[str] = []
    many = False

    def put(value: Value, branch: Branch) -> None:
        # The same value from several branches: keep the first source, and every interpretation
        # the value may rest on.
        seen = possible.get(value)
        if seen is None:
            possible[value] = branch
        elif not set(branch.interpretations) <= set(seen.interpretations):
            merged = _dedupe((*seen.interpretations, *branch.interpretations))
            possible[value] = Branch(seen.source, merged)

    def add(value: Value | Outcome, branch: Branch) -> None:
        nonlocal many
        if isinstance(value, Outcome):
            because.extend(value.because)
            if value.possible is None:
                many = True
            else:
                for v, b in value.possible.items():
                    put(v, b if b.source else branch)
            if not value.decided:
                needs.extend(value.needs)
        else:
            put(value, branch)

    for cond, value, branch in rules:
        if cond.false:
            because.extend(cond.because)
            continue
        because.extend(cond.because)
        if not cond.true:
            needs.extend(cond.needs)  # the condition is asked before what it leads to
        add(value, branch)
        if cond.true:
            break
    else:
        add(default, default_branch)

    if not many and len(possible) == 1:
        return Outcome(possible, _dedupe(because), ())
    return Outcome(None if many else possible, _dedupe(because), _dedupe(needs))


def when(cond: Outcome, value: Value | Outcome, branch: Branch = NO_BRANCH) -> Outcome:
    """``value`` when ``cond`` holds, else ``None`` (the decision does not apply)."""
    return first([(cond, value, branch)], None, branch)


def collect(items: Sequence[tuple[str, Outcome]], branch: Branch = NO_BRANCH) -> Outcome:
    """A list decision: the codes whose condition holds, decided once every condition is."""
    if all(o.decided for _, o in items):
        codes = tuple(code for code, o in items if o.true)
        because = _dedupe(f for code, o in items for f in o.because)
        return Outcome({codes: branch}, because, ())
    return Outcome(
        None,
        _dedupe(f for _, o in items if o.decided for f in o.because),
        _dedupe(f for _, o in items if not o.decided for f in o.needs),
    )


def map_value(o: Outcome, fn: Callable[[Any], Value], branch: Branch | None = None) -> Outcome:
    """Apply ``fn`` to every possible value; decided when all results agree."""
    if o.possible is None:
        return o
    mapped: dict[Value, Branch] = {}
    for v, b in o.possible.items():
        mapped.setdefault(fn(v), branch if branch is not None else b)
    if len(mapped) == 1:
        return Outcome(mapped, o.because, ())
    return Outcome(mapped, o.because, o.needs)


def with_branch(o: Outcome, branch: Branch) -> Outcome:
    """Attach a source and interpretations to every possible value of ``o``."""
    if o.possible is None:
        return o
    return Outcome({v: branch for v in o.possible}, o.because, o.needs)


def sourced(o: Outcome, source: str, *interpretations: str) -> Outcome:
    """``o`` with a source reference (and interpretations) on every possible value."""
    return with_branch(o, Branch(source, interpretations))
