"""Turn a pathway's rule graph (:mod:`logic.rules`), once at import, into one plain function.

The function is straight-line Python: every rule node becomes a few lines that set four locals,
``p<i>`` (possible values -> branch, or ``None``), ``v<i>`` (the current value, or ``OPEN``),
``b<i>`` (because) and ``n<i>`` (needs) -- the parts of an :class:`~logic.outcome.Outcome`, without
making one per node. A node used by several rules is evaluated once; nodes come in dependency
order. The function returns these parts for every field (:meth:`logic.pathway.Pathway.decide`
makes outcomes of them). Its source is registered with :mod:`linecache`, so tracebacks and
debuggers show it (``<rules logic.spine_treatment.rules>``).

The templates below implement exactly the meaning given in :mod:`logic.rules`; ``because`` and
``needs`` keep the first occurrence of every name, in order. They take the usual case (every
condition decided) first, and repeats are removed only where two parts can name the same finding.
"""

from __future__ import annotations

import linecache
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .findings import Findings
from .outcome import (
    FALSE_OR_TRUE,
    ONLY_FALSE,
    ONLY_TRUE,
    OPEN,
    TRUE_OR_FALSE,
    Branch,
    Value,
)
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

# The parts of an outcome: (possible, current, because, needs), as make() takes them.
Parts = tuple[Mapping[Value, Branch] | None, Any, tuple[str, ...], tuple[str, ...]]
Evaluate = Callable[[Findings], tuple[Parts, ...]]


def _merge(possible: dict[Value, Branch], value: Value, branch: Branch) -> None:
    """A value that an earlier branch already gives: keep that source and the interpretations
    both branches share (see :func:`logic.interpret._merge`)."""
    seen = possible[value]
    if not set(seen.interpretations) <= set(branch.interpretations):
        common = tuple(i for i in seen.interpretations if i in branch.interpretations)
        possible[value] = Branch(seen.source, common)


def _negate(possible: Mapping[Value, Branch] | None, current: Any,
            ) -> tuple[Mapping[Value, Branch] | None, Any]:
    if possible is None:
        return None, current
    if possible is TRUE_OR_FALSE:
        return FALSE_OR_TRUE, OPEN
    if possible is FALSE_OR_TRUE:
        return TRUE_OR_FALSE, OPEN
    negated: dict[Value, Branch] = {not v: b for v, b in possible.items()}
    return negated, (next(iter(negated)) if len(negated) == 1 else OPEN)


def _with_raised(branch: Branch, raised: tuple[str, ...]) -> Branch:
    """A list's branch with the interpretations its items raised."""
    if not raised:
        return branch
    return Branch(branch.source, tuple(dict.fromkeys((*branch.interpretations, *raised))))


_RUNTIME: dict[str, Any] = {
    "OPEN": OPEN, "T": ONLY_TRUE, "F": ONLY_FALSE, "TF": TRUE_OR_FALSE, "ONCE": (None,),
    "merge": _merge, "negate": _negate, "with_raised": _with_raised,
}


def _dedupe(names: str) -> str:
    """The expression for ``names`` without repeats (first occurrence kept)."""
    return f"tuple(dict.fromkeys({names})) if len({names}) > 1 else {names}"


class _Codegen:
    def __init__(self, shortcuts: bool) -> None:
        self.shortcuts = shortcuts
        self.lines: list[str] = []
        self.env: dict[str, Any] = dict(_RUNTIME)
        self.index: dict[int, int] = {}  # id(node) -> its number
        self.seen: list[Rule] = []  # keeps every node seen alive (so ids stay unique)
        self.reads: dict[str, str] = {}  # finding name -> the local holding its value
        # Logic and custom nodes by what they compute: the same on the same parts is one node.
        self.logic: dict[tuple[object, tuple[int, ...]], int] = {}
        # Per node number, the findings its because and needs can name (None: any, e.g. custom
        # rules).
        self.names: list[frozenset[str] | None] = []

    def const(self, value: Any) -> str:
        name = f"k{len(self.env)}"
        self.env[name] = value
        return name

    def emit(self, *lines: str) -> None:
        self.lines.extend("    " + line for line in lines)

    def read(self, finding: str) -> str:
        local = self.reads.get(finding)
        if local is None:
            local = self.reads[finding] = f"x{len(self.reads)}"
            self.emit(f"{local} = V[{finding!r}]")
        return local

    def set(self, i: int, p: str, v: str, b: str, n: str) -> str:
        return f"p{i} = {p}; v{i} = {v}; b{i} = {b}; n{i} = {n}"

    def join(self, parts: list[int]) -> tuple[str, str]:
        """A line to run first (or ``""``) and the expression for the because of ``parts``,
        joined in order, without repeats."""
        if len(parts) == 1:
            return "", f"b{parts[0]}"
        return f"bb = {' + '.join(f'b{a}' for a in parts)}", self.unique("bb", parts)

    def unique(self, names: str, parts: Iterable[int]) -> str:
        """The expression for ``names`` (a local joined from the names of ``parts``) without
        repeats: ``names`` itself when no two of the parts can name the same finding (the names
        of one part never repeat)."""
        if not self.shortcuts:
            return _dedupe(names)
        seen: set[str] = set()
        for a in parts:
            mine = self.names[a]
            if mine is None or not seen.isdisjoint(mine):
                return _dedupe(names)
            seen |= mine
        return names

    def node(self, node: Rule) -> int:
        """Emit ``node`` (after what it depends on) once; its number."""
        i = self.index.get(id(node))
        if i is not None:
            return i
        deps = tuple(self.node(dep) for dep in _deps(node))
        self.seen.append(node)
        key = None
        if isinstance(node, Not | AnyOf | AllOf | AtLeast | Custom) and self.shortcuts:
            what = (node.fn if isinstance(node, Custom)
                    else (type(node), node.k if isinstance(node, AtLeast) else None))
            key = (what, deps)
            i = self.logic.get(key)
            if i is not None:
                self.index[id(node)] = i
                return i
        i = self.index[id(node)] = len(self.names)
        if key is not None:
            self.logic[key] = i
        self.names.append(self._names(node, deps))
        _EMIT[type(node)](self, i, node)
        return i

    def _names(self, node: Rule, deps: tuple[int, ...]) -> frozenset[str] | None:
        if isinstance(node, Fact):
            return frozenset((node.name,))
        if isinstance(node, Constant):
            return frozenset((*node.outcome.because, *node.outcome.needs))
        if isinstance(node, Custom):
            return None
        names: frozenset[str] = frozenset()
        for dep in deps:
            mine = self.names[dep]
            if mine is None:
                return None
            names |= mine
        return names


def _deps(node: Rule) -> tuple[Rule, ...]:
    if isinstance(node, Not | MapValue | WithBranch):
        return (node.part,)
    if isinstance(node, AnyOf | AllOf | AtLeast):
        return node.parts
    if isinstance(node, First):
        values = (*(v for _, v, _ in node.rules), node.default)
        return (*(c for c, _, _ in node.rules), *(v for v in values if isinstance(v, Rule)))
    if isinstance(node, Collect):
        return tuple(o for _, o, _ in node.items)
    if isinstance(node, Custom):
        return node.deps
    return ()


def _fact(g: _Codegen, i: int, node: Fact) -> None:
    x = g.read(node.name)
    name = g.const((node.name,))
    arg = node.arg
    if node.test == "flag":
        test = x
    elif node.test == "in":
        test = f"{x} in {g.const(arg)}"
    elif node.test == "gt":
        test = f"{x} > {g.const(arg)}"
    elif node.test == "ge":
        test = f"{x} >= {g.const(arg)}"
    elif node.test == "has":
        test = " or ".join(f"{g.const(item)} in {x}" for item in arg) or "False"
    elif node.test == "has_other_than":
        test = f"not {g.const(arg)}.issuperset({x})"
    else:
        test = f"{g.const(arg)}({x}, V)"
    g.emit(f"if {x} is None: {g.set(i, 'TF', 'OPEN', '()', name)}",
           f"elif {test}: {g.set(i, 'T', 'True', name, '()')}",
           f"else: {g.set(i, 'F', 'False', name, '()')}")


def _constant(g: _Codegen, i: int, node: Constant) -> None:
    o = node.outcome
    g.emit(g.set(i, g.const(o.possible), g.const(o.current), g.const(o.because),
                 g.const(o.needs)))


def _not(g: _Codegen, i: int, node: Not) -> None:
    a = g.index[id(node.part)]
    g.emit(f"b{i} = b{a}; n{i} = n{a}",
           f"if p{a} is T: p{i} = F; v{i} = False",
           f"elif p{a} is F: p{i} = T; v{i} = True",
           f"else: p{i}, v{i} = negate(p{a}, v{a})")


def _kleene(g: _Codegen, i: int, parts: tuple[Rule, ...], settles: bool) -> None:
    """any_ (``settles`` True) and all_ (False): decided by the parts with that value, because of
    every one of them; else by all parts having the other value."""
    win, other = ("True", "False") if settles else ("False", "True")
    p_win, p_other = ("T", "F") if settles else ("F", "T")
    numbers = [g.index[id(part)] for part in parts]
    if numbers and g.shortcuts:
        # Every part decided the other way (the usual case with the findings known).
        setup, because = g.join(numbers)
        g.emit(f"if {' and '.join(f'v{a} is {other}' for a in numbers)}:",
               *(["    " + setup] if setup else []),
               f"    {g.set(i, p_other, other, because, '()')}",
               "else:")
        indent = "    "
    else:
        indent = ""
    body = ["wb = (); bb = (); nn = (); every = True"]  # every part has the other value
    for a in numbers:
        body += [f"if v{a} is {win}: wb += b{a}",
                 f"elif v{a} is {other}: bb += b{a}",
                 "else:",
                 "    every = False",
                 f"    nn += n{a}"]
    wb, bb, nn = g.unique("wb", numbers), g.unique("bb", numbers), g.unique("nn", numbers)
    body += [f"if wb: {g.set(i, p_win, win, wb, '()')}",
             f"elif every: {g.set(i, p_other, other, bb, '()')}",
             f"else: {g.set(i, 'TF', 'OPEN', bb, nn)}"]
    g.emit(*(indent + line for line in body))


def _any(g: _Codegen, i: int, node: AnyOf) -> None:
    _kleene(g, i, node.parts, True)


def _all(g: _Codegen, i: int, node: AllOf) -> None:
    _kleene(g, i, node.parts, False)


def _at_least(g: _Codegen, i: int, node: AtLeast) -> None:
    g.emit("trues = 0; opens = 0; tb = (); db = (); eb = (); nn = ()")
    for part in node.parts:
        a = g.index[id(part)]
        g.emit(f"eb += b{a}",
               f"if v{a} is OPEN: opens += 1; nn += n{a}",
               "else:",
               f"    db += b{a}",
               f"    if v{a} is True: trues += 1; tb += b{a}")
    numbers = [g.index[id(part)] for part in node.parts]
    g.emit(f"if trues >= {node.k}: {g.set(i, 'T', 'True', g.unique('tb', numbers), '()')}",
           f"elif trues + opens < {node.k}: "
           + g.set(i, "F", "False", g.unique("eb", numbers), "()"),
           "else: "
           + g.set(i, "TF", "OPEN", g.unique("db", numbers), g.unique("nn", numbers)))


def _add(g: _Codegen, value: Rule | Value, branch: Branch) -> list[str]:
    """first(): the lines that make ``value`` (given by ``branch``) possible."""
    br = g.const(branch)
    if not isinstance(value, Rule):
        k = g.const(value)
        return [f"if {k} in poss: merge(poss, {k}, {br})", f"else: poss[{k}] = {br}"]
    a = g.index[id(value)]
    return [f"bb += b{a}",
            f"if p{a} is None: many = True",
            "else:",
            f"    for key, br in p{a}.items():",
            f"        if not br.source: br = {br}",
            "        if key in poss: merge(poss, key, br)",
            "        else: poss[key] = br",
            f"if v{a} is OPEN: nn += n{a}"]


def _first(g: _Codegen, i: int, node: First) -> None:
    conds = [g.index[id(cond)] for cond, _, _ in node.rules]
    values = [g.index[id(v)] for v in (*(v for _, v, _ in node.rules), node.default)
              if isinstance(v, Rule)]
    # Fast paths, the usual case with the findings known: the conditions are false up to one that
    # holds (or all are false), and the value it gives is a plain one (not a rule). That value is
    # the outcome, because of those conditions; its possible mapping is made once.
    fast: list[tuple[list[int], int | None, Value, Branch]] = []  # false, true, value, branch
    # A later branch giving the same plain value: when its condition holds too, it also led to
    # the value (the rationale names it), so branches with such a twin take the general path.
    twins = {j: [k for k in range(j) if _same_plain(node.rules[k][1], node.rules[j][1])]
             for j in range(len(node.rules))}
    twinned = {k for ks in twins.values() for k in ks}
    for k, (_, value, branch) in enumerate(node.rules if g.shortcuts else ()):
        if isinstance(value, Rule) or k in twinned:
            break
        fast.append((conds[:k], conds[k], value, branch))
    else:
        if conds and g.shortcuts and not isinstance(node.default, Rule):
            fast.append((conds, None, node.default, node.default_branch))
    for k, (false, true, value, branch) in enumerate(fast):
        read = false if true is None else [*false, true]
        tests = [*(f"v{a} is False" for a in false), *(f"v{a} is True" for a in read[len(false):])]
        setup, because = g.join(read)
        g.emit(f"{'el' if k else ''}if {' and '.join(tests)}:",
               *(["    " + setup] if setup else []),
               "    " + g.set(i, g.const({value: branch}), g.const(value), because, "()"))
    general = ["poss = {}; bb = (); nn = (); many = False; hk = -1", "for _ in ONCE:"]
    if not node.rules:
        general.append("    pass")
    for k, ((_, value, branch), c) in enumerate(zip(node.rules, conds, strict=True)):
        general += [f"    bb += b{c}",
                    f"    if v{c} is not False:",
                    f"        if v{c} is not True: nn += n{c}",
                    *("        " + line for line in _add(g, value, branch)),
                    f"        if v{c} is True: hk = {k}; break"]
    general += ["else:", *("    " + line for line in _add(g, node.default, node.default_branch))]
    for j, earlier in twins.items():
        if earlier:
            general.append(f"if hk in {tuple(earlier)!r} and v{conds[j]} is True: "
                           f"bb += b{conds[j]}")
    bb, nn = g.unique("bb", conds + values), g.unique("nn", conds + values)
    general += ["if not many and len(poss) == 1: "
                + g.set(i, "poss", "next(iter(poss))", bb, "()"),
                f"else: {g.set(i, 'None if many else poss', 'OPEN', bb, nn)}"]
    if fast:
        g.emit("else:", *("    " + line for line in general))
    else:
        g.emit(*general)


def _same_plain(a: object, b: object) -> bool:
    """Two first() values that are the same plain value (not rules)."""
    return not isinstance(a, Rule) and not isinstance(b, Rule) and a == b


def _collect(g: _Codegen, i: int, node: Collect) -> None:
    numbers = [g.index[id(o)] for _, o, _ in node.items]
    # every condition decided; ``raised``: the interpretations of the items in the list
    g.emit("codes = []; bb = (); nn = (); every = True; raised = ()")
    for (code, _, interpretations), a in zip(node.items, numbers, strict=True):
        g.emit(f"if v{a} is OPEN: every = False; nn += n{a}",
               "else:",
               f"    bb += b{a}",
               f"    if v{a} is True: codes.append({g.const(code)})"
               + (f"; raised += {g.const(interpretations)}" if interpretations else ""))
    bb, nn = g.unique("bb", numbers), g.unique("nn", numbers)
    branch = g.const(node.branch)
    g.emit(f"if every: v{i} = tuple(codes); p{i} = {{v{i}: with_raised({branch}, raised)}}; "
           f"b{i} = {bb}; n{i} = ()",
           f"else: {g.set(i, 'None', 'OPEN', bb, nn)}")


def _map_value(g: _Codegen, i: int, node: MapValue) -> None:
    a = g.index[id(node.part)]
    fn = g.const(node.fn)
    br = "br" if node.branch is None else g.const(node.branch)
    g.emit(f"if p{a} is None: {g.set(i, 'None', f'v{a}', f'b{a}', f'n{a}')}",
           "else:",
           "    mapped = {}",
           f"    for key, br in p{a}.items(): mapped.setdefault({fn}(key), {br})",
           "    if len(mapped) == 1: "
           + g.set(i, "mapped", "next(iter(mapped))", f"b{a}", "()"),
           f"    else: {g.set(i, 'mapped', 'OPEN', f'b{a}', f'n{a}')}")


def _with_branch(g: _Codegen, i: int, node: WithBranch) -> None:
    a = g.index[id(node.part)]
    br = g.const(node.branch)
    g.emit(f"b{i} = b{a}; n{i} = n{a}; v{i} = v{a}",
           f"p{i} = None if p{a} is None else dict.fromkeys(p{a}, {br})")


def _custom(g: _Codegen, i: int, node: Custom) -> None:
    args = "".join(f", v{g.index[id(dep)]}" for dep in node.deps)
    g.emit(f"o = {g.const(node.fn)}(V{args})",
           g.set(i, "o.possible", "o.current", "o.because", "o.needs"))


_EMIT: dict[type[Rule], Callable[[_Codegen, int, Any], None]] = {
    Fact: _fact, Constant: _constant, Not: _not, AnyOf: _any, AllOf: _all, AtLeast: _at_least,
    First: _first, Collect: _collect, MapValue: _map_value, WithBranch: _with_branch,
    Custom: _custom,
}


def compile_rules(nodes: tuple[Rule, ...], name: str, *, shortcuts: bool = True) -> Evaluate:
    """Compile rule ``nodes`` (built once by a pathway) into the function giving, for a findings
    set, the parts of every node's outcome, in order. ``name`` names the generated source (for
    tracebacks).

    ``shortcuts=False`` leaves out what is there for speed only (the usual-case paths, the
    skipped de-duplications, the merged repeated logic): the plain templates, for tests to
    compare with."""
    g = _Codegen(shortcuts)
    returns = []
    for node in nodes:
        if isinstance(node, Constant):  # the same for every patient: one shared tuple
            o = node.outcome
            returns.append(g.const((o.possible, o.current, o.because, o.needs)))
        else:
            i = g.node(node)
            returns.append(f"(p{i}, v{i}, b{i}, n{i})")
    source = "\n".join(["def evaluate(findings):", "    V = findings.__dict__", *g.lines,
                        f"    return ({', '.join(returns)},)", ""])
    filename = f"<rules {name}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), g.env)
    evaluate: Evaluate = g.env["evaluate"]
    return evaluate
