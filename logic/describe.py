"""A rule in words, and the codes it can give, read off the rule graph itself.

docs/rules.md is written from these (never from prose kept beside the code), so a rule cannot
change while its documentation keeps the old text; the dialogs' texts are checked against
:func:`codes` (every code a rule can give has a text, spec C10).
"""

from __future__ import annotations

from collections.abc import Iterable

from .outcome import Branch, Outcome, Value
from .rules import (
    AllOf,
    AnyOf,
    AtLeast,
    Collect,
    Constant,
    Custom,
    Fact,
    First,
    MapValue,
    Not,
    Rule,
    WithBranch,
)

ALWAYS = "always"


def _value(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if hasattr(value, "__dataclass_fields__"):
        return type(value).__name__
    return str(value)


def _branch(branch: Branch) -> str:
    parts = [branch.source] if branch.source else []
    parts += [f"[{i}]" for i in branch.interpretations]
    return f" ({' '.join(parts)})" if parts else ""


def _doc(fn: object) -> str:
    doc = str(getattr(fn, "__doc__", None) or getattr(fn, "__name__", "a computation")).strip()
    return " ".join(doc.split("\n\n")[0].split())


Names = dict[int, str]  # id(node) -> the name it is shown by inside other rules


def describe(node: Rule | Outcome | Value, top: bool = True, names: Names | None = None) -> str:
    """``node`` in words (codes and finding names, as the case files use them); its parts that
    ``names`` names are shown by that name, in italics."""
    if isinstance(node, Outcome):
        node = Constant(node)
    if not isinstance(node, Rule):
        return _value(node)
    return _describe(node, top, names or {})


def _describe(node: Rule, top: bool, names: Names) -> str:
    def describe(part: Rule | Outcome | Value, top: bool = True) -> str:
        if isinstance(part, Rule) and id(part) in names:
            return f"*{names[id(part)]}*"
        return _outer(part, top, names)

    if isinstance(node, Fact):
        return _fact(node)
    if isinstance(node, Constant):
        o = node.outcome
        return _value(o.current) if o.decided else "open"
    if isinstance(node, Not):
        return f"not {describe(node.part, False)}"
    if isinstance(node, AnyOf | AllOf):
        word = " or " if isinstance(node, AnyOf) else " and "
        text = word.join(describe(p, False) for p in node.parts)
        return text if top or len(node.parts) == 1 else f"({text})"
    if isinstance(node, AtLeast):
        return f"at least {node.k} of ({'; '.join(describe(p, False) for p in node.parts)})"
    if isinstance(node, First):
        steps = [f"{describe(c, True)} → {describe(v, False)}{_branch(b)}"
                 for c, v, b in node.rules]
        steps.append(f"otherwise → {describe(node.default, False)}{_branch(node.default_branch)}")
        text = "; ".join(steps)
        return text if top else f"[{text}]"
    if isinstance(node, Collect):
        items = [f"{code} when {describe(c, True)}" + "".join(f" [{i}]" for i in interp)
                 for code, c, interp in node.items]
        return f"the list of: {'; '.join(items)}{_branch(node.branch)}"
    if isinstance(node, MapValue):
        return node.says.format(describe(node.part, False))
    if isinstance(node, WithBranch):
        return f"{describe(node.part, top)}{_branch(node.branch)}"
    if isinstance(node, Custom):
        return _doc(node.fn)
    raise TypeError(f"not a rule node: {node!r}")


_outer = describe


def _fact(node: Fact) -> str:
    name, arg = node.name, node.arg
    if node.test == "flag":
        return name
    if node.test == "in":
        return f"{name} = {arg[0]}" if len(arg) == 1 else f"{name} ∈ {{{', '.join(map(str, arg))}}}"
    if node.test == "gt":
        return f"{name} > {arg}"
    if node.test == "ge":
        return f"{name} ≥ {arg}"
    if node.test == "has":
        return f"{name} has {' or '.join(arg)}"
    if node.test == "has_other_than":
        return f"{name} has an item other than {', '.join(sorted(arg))}"
    return f"{name}: {_doc(arg)}"


def codes(node: Rule | Outcome | Value) -> tuple[Value, ...]:
    """Every value ``node`` can give (list decisions: every item their lists can hold)."""
    if isinstance(node, Outcome):
        node = Constant(node)
    if not isinstance(node, Rule):
        return _items(node)
    if isinstance(node, Constant):
        o = node.outcome
        return () if o.possible is None else _unique(v for value in o.possible
                                                     for v in _items(value))
    if isinstance(node, Fact | Not | AnyOf | AllOf | AtLeast):
        return (True, False)
    if isinstance(node, First):
        return _unique(c for v in (*(v for _, v, _ in node.rules), node.default)
                       for c in codes(v))
    if isinstance(node, Collect):
        return tuple(code for code, _, _ in node.items)
    if isinstance(node, MapValue):
        return _unique(node.fn(v) for v in codes(node.part))
    if isinstance(node, WithBranch):
        return codes(node.part)
    if isinstance(node, Custom):
        return node.codes
    raise TypeError(f"not a rule node: {node!r}")


def _items(value: object) -> tuple[Value, ...]:
    if isinstance(value, tuple | list):
        return tuple(value)
    if hasattr(value, "__dataclass_fields__"):
        return ()  # an object (NESMS, prognosis): its parts have texts of their own
    return (value,)  # hashable scalars


def _unique(values: Iterable[Value]) -> tuple[Value, ...]:
    return tuple(dict.fromkeys(values))


def interpretations(node: Rule | Outcome | Value) -> tuple[str, ...]:
    """Every interpretation ``node`` can raise."""
    return tuple(dict.fromkeys(i for b in branches(node) for i in b.interpretations))


def sources(node: Rule | Outcome | Value) -> tuple[str, ...]:
    """Every source reference ``node`` can give, in the order met."""
    return tuple(dict.fromkeys(s.strip() for b in branches(node) if b.source
                               for s in b.source.split(",")))


def branches(node: Rule | Outcome | Value) -> list[Branch]:
    """The branches ``node``'s values can carry (conditions only give truth, no branch)."""
    if isinstance(node, Outcome):
        return list(node.possible.values()) if node.possible else []
    if not isinstance(node, Rule):
        return []
    if isinstance(node, Constant):
        return branches(node.outcome)
    if isinstance(node, First):
        found: list[Branch] = []
        for _, v, b in (*node.rules, (None, node.default, node.default_branch)):
            found += [b, *branches(v)]
        return found
    if isinstance(node, Collect):
        return [node.branch, *(Branch("", interp) for _, _, interp in node.items if interp)]
    if isinstance(node, WithBranch):
        return [node.branch]
    if isinstance(node, MapValue):
        return [node.branch] if node.branch else branches(node.part)
    if isinstance(node, Custom):
        return [*(Branch(s) for s in _custom_sources(node)), Branch("", node.raises)]
    return []


def _custom_sources(node: Custom) -> tuple[str, ...]:
    source = getattr(node.fn, "source", None) or getattr(
        __import__(node.fn.__module__, fromlist=["SOURCE"]), "SOURCE", None)
    return (source,) if isinstance(source, str) else ()
