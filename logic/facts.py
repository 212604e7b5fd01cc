"""Tests on the findings, as rules: a known finding decides its test, an absent one leaves it open
(needing the finding)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .findings import Findings
from .rules import Fact, FactTest


class Facts:
    """Condition builders over one findings model. Unknown names raise ``KeyError`` when the rules
    are built (typo guard). The same test asked twice is one rule (evaluated once)."""

    __slots__ = ("_made", "_names")

    def __init__(self, model: type[Findings]) -> None:
        self._names = frozenset(model.model_fields)
        self._made: dict[tuple[str, FactTest, Any], Fact] = {}

    def _fact(self, name: str, test: FactTest, arg: Any = None) -> Fact:
        if name not in self._names:
            raise KeyError(name)
        fact = self._made.get((name, test, arg))
        if fact is None:
            fact = self._made[name, test, arg] = Fact(name, test, arg)
        return fact

    def flag(self, name: str) -> Fact:
        """A boolean finding."""
        return self._fact(name, "flag")

    def is_(self, name: str, *values: object) -> Fact:
        """The finding has one of ``values``."""
        return self._fact(name, "in", values)

    def gt(self, name: str, limit: float) -> Fact:
        return self._fact(name, "gt", limit)

    def ge(self, name: str, limit: float) -> Fact:
        return self._fact(name, "ge", limit)

    def has(self, name: str, *items: str) -> Fact:
        """A list finding contains any of ``items``."""
        return self._fact(name, "has", items)

    def has_other_than(self, name: str, excluded: Iterable[str]) -> Fact:
        """A list finding contains an item that is not in ``excluded``."""
        return self._fact(name, "has_other_than", frozenset(excluded))

    def test(self, name: str, predicate: Callable[[Any, Mapping[str, Any]], bool]) -> Fact:
        """``predicate(value, values)`` on a known finding; ``values`` (all findings by name) may
        shape the test, e.g. a limit that depends on another finding, without the outcome
        depending on that finding."""
        return self._fact(name, "test", predicate)
