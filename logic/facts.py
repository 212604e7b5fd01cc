"""Read findings as outcomes: a known finding gives a decided outcome, an absent one an open one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .findings import Findings
from .outcome import NO_BRANCH, Outcome, unknown


class Facts:
    """Condition builders over one findings model. Unknown names raise ``KeyError`` (typo guard)."""

    __slots__ = ("_values",)

    def __init__(self, findings: Findings) -> None:
        self._values: dict[str, Any] = findings.__dict__

    def get(self, name: str) -> Any:
        return self._values[name]

    def _test(self, name: str, test: Any) -> Outcome:
        value = self._values[name]
        if value is None:
            return unknown((name,))
        return Outcome({bool(test(value)): NO_BRANCH}, (name,), ())

    def flag(self, name: str) -> Outcome:
        """A boolean finding."""
        value = self._values[name]
        if value is None:
            return unknown((name,))
        return Outcome({bool(value): NO_BRANCH}, (name,), ())

    def is_(self, name: str, *values: object) -> Outcome:
        """The finding has one of ``values``."""
        value = self._values[name]
        if value is None:
            return unknown((name,))
        return Outcome({value in values: NO_BRANCH}, (name,), ())

    def gt(self, name: str, limit: float) -> Outcome:
        return self._test(name, lambda v: v > limit)

    def ge(self, name: str, limit: float) -> Outcome:
        return self._test(name, lambda v: v >= limit)

    def has(self, name: str, *items: str) -> Outcome:
        """A list finding contains any of ``items``."""
        return self._test(name, lambda v: any(i in v for i in items))

    def has_other_than(self, name: str, excluded: Iterable[str]) -> Outcome:
        """A list finding contains an item that is not in ``excluded``."""
        ex = frozenset(excluded)
        return self._test(name, lambda v: any(i not in ex for i in v))
