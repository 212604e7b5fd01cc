"""The domain of every finding, read off the findings models (one source of truth).

Used to name what is allowed in error messages and by the dialogs for options and number ranges.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

Kind = Literal["bool", "choice", "multi", "number"]


@dataclass(frozen=True, slots=True)
class Domain:
    kind: Kind
    values: tuple[str | int, ...] = ()
    low: float | None = None
    high: float | None = None
    step: int | None = None
    integer: bool = False

    def describe(self) -> str:
        """What is allowed, in words (for error messages of the case CLI)."""
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return "one of: " + ", ".join(str(v) for v in self.values)
        if self.kind == "multi":
            return "a list of: " + ", ".join(str(v) for v in self.values)
        bounds = _bounds(self.low, self.high)
        if self.integer and self.step:
            return f"a whole number {bounds} in steps of {self.step}"
        return ("a whole number " if self.integer else "a number ") + bounds


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _bounds(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"from {_fmt(low)} to {_fmt(high)}"
    if low is not None:
        return f"of at least {_fmt(low)}"
    if high is not None:
        return f"of at most {_fmt(high)}"
    return ""


def _strip_optional(tp: Any) -> Any:
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _domain_of(annotation: Any, metadata: list[Any]) -> Domain:
    tp = _strip_optional(annotation)
    origin = get_origin(tp)
    if origin is Literal:
        return Domain("choice", tuple(get_args(tp)))
    if origin is list:
        (item,) = get_args(tp)
        return Domain("multi", tuple(get_args(item)))
    if tp is bool:
        return Domain("bool")
    if tp in (int, float):
        low = high = None
        step = None
        for m in metadata:
            if isinstance(m, annotated_types.Ge):
                low = float(m.ge)  # type: ignore[arg-type]
            elif isinstance(m, annotated_types.Le):
                high = float(m.le)  # type: ignore[arg-type]
            elif isinstance(m, annotated_types.MultipleOf):
                step = int(m.multiple_of)  # type: ignore[call-overload]
        return Domain("number", low=low, high=high, step=step, integer=tp is int)
    raise TypeError(f"no domain for annotation {annotation!r}")


@cache
def domains(model: type[BaseModel]) -> dict[str, Domain]:
    """Every finding of ``model`` with its domain, in declaration order."""
    out: dict[str, Domain] = {}
    for name, info in model.model_fields.items():
        ann = info.annotation
        meta = list(info.metadata)
        # Annotated[...] | None keeps its constraints on the inner type.
        inner = _strip_optional(ann)
        if hasattr(inner, "__metadata__"):
            for m in inner.__metadata__:
                meta += list(m.metadata) if isinstance(m, FieldInfo) else [m]
            inner = get_args(inner)[0]
        out[name] = _domain_of(inner, meta)
    return out
