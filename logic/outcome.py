"""Outcomes of rules over partly known findings.

An :class:`Outcome` is what a rule can still turn out to be, given the findings known so far:

* ``possible`` maps every value the rule can still take to the branch that gives it (its source
  reference and interpretation ids); ``None`` means "too many values to list" (list decisions).
* ``because`` names the known findings that shaped the outcome (the rationale).
* ``needs`` names, most urgent first, the unknown findings that can still change it.

An outcome is *decided* when exactly one value is possible. The rules that give outcomes, and what
they mean over partly known findings, are in :mod:`logic.rules`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Value = Hashable


@dataclass(frozen=True, slots=True)
class Branch:
    """Where a value comes from: the guideline reference and the interpretations it rests on."""

    source: str = ""
    interpretations: tuple[str, ...] = ()


NO_BRANCH = Branch()

OPEN: Any = object()  # the current value of an undecided outcome


class Outcome:
    """Immutable by convention (never assigned after construction, so outcomes and their
    ``possible`` mappings may be shared); a plain slotted class because outcomes are made for
    every field of every advice and must be cheap.

    ``current`` is the decided value, or :data:`OPEN` while undecided (the fast check for code
    that reads many outcomes; :attr:`decided` and :attr:`value` say the same in words)."""

    __slots__ = ("because", "current", "needs", "possible")

    def __init__(self, possible: Mapping[Value, Branch] | None, because: tuple[str, ...] = (),
                 needs: tuple[str, ...] = ()) -> None:
        self.possible = possible
        self.because = because
        self.needs = needs
        self.current: Any = (next(iter(possible)) if possible is not None and len(possible) == 1
                             else OPEN)

    def __repr__(self) -> str:
        return f"Outcome({self.possible!r}, because={self.because!r}, needs={self.needs!r})"

    @property
    def decided(self) -> bool:
        return self.current is not OPEN

    @property
    def value(self) -> Any:
        """The decided value; raises when undecided (callers check :attr:`decided`)."""
        if self.current is OPEN:
            raise ValueError("outcome is not decided")
        return self.current

    @property
    def branch(self) -> Branch:
        if self.current is OPEN or self.possible is None:
            raise ValueError("outcome is not decided")
        return self.possible[self.current]

    # Boolean views, for outcomes whose values are True/False.
    @property
    def true(self) -> bool:
        return self.current is True

    @property
    def false(self) -> bool:
        return self.current is False


_new = object.__new__


def make(possible: Mapping[Value, Branch] | None, because: tuple[str, ...],
         needs: tuple[str, ...], current: Any) -> Outcome:
    """``Outcome(possible, because, needs)`` when the caller already knows ``current`` (the
    single possible value, else :data:`OPEN`): the fast way, without working it out again."""
    o: Outcome = _new(Outcome)
    o.possible = possible
    o.because = because
    o.needs = needs
    o.current = current
    return o


# The possible values of plain booleans (no source), shared by every outcome that has them.
ONLY_TRUE: Mapping[Value, Branch] = {True: NO_BRANCH}
ONLY_FALSE: Mapping[Value, Branch] = {False: NO_BRANCH}
TRUE_OR_FALSE: Mapping[Value, Branch] = {True: NO_BRANCH, False: NO_BRANCH}
FALSE_OR_TRUE: Mapping[Value, Branch] = {False: NO_BRANCH, True: NO_BRANCH}  # a negated open one


def known(value: Value, because: Iterable[str] = (), branch: Branch = NO_BRANCH) -> Outcome:
    return make({value: branch}, tuple(because), (), value)


def unknown(needs: Iterable[str], because: Iterable[str] = ()) -> Outcome:
    """An unknown boolean."""
    return make(TRUE_OR_FALSE, tuple(because), tuple(needs), OPEN)


def truth(value: bool, because: Iterable[str] = ()) -> Outcome:
    """A known boolean: ``known(value, because)``."""
    return make(ONLY_TRUE if value else ONLY_FALSE, tuple(because), (), bool(value))


TRUE = known(True)
FALSE = known(False)
