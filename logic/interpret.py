"""The plain evaluator: a pathway's rule graph (:mod:`logic.rules`) read node by node.

This is the reference meaning of the rules. :mod:`logic.compiler` turns the same graph into one
straight-line function for speed; a test keeps the two equal on random findings. The evaluator
also answers what the compiled function does not: which findings could make an undecided urgency
less urgent (:func:`unless`, spec §3.0 "fail-safe urgency").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .outcome import (
    ONLY_FALSE,
    ONLY_TRUE,
    OPEN,
    TRUE_OR_FALSE,
    Branch,
    Outcome,
    Value,
    make,
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


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def _boolean(value: bool, because: tuple[str, ...]) -> Outcome:
    return make(ONLY_TRUE if value else ONLY_FALSE, because, (), value)


def _merge(possible: dict[Value, Branch], value: Value, branch: Branch) -> None:
    """A value that an earlier branch already gives keeps that source; it rests only on the
    interpretations both branches share (an interpretation is raised only when the value
    certainly comes from a branch that rests on it)."""
    if value not in possible:
        possible[value] = branch
        return
    seen = possible[value]
    common = tuple(i for i in seen.interpretations if i in branch.interpretations)
    if common != seen.interpretations:
        possible[value] = Branch(seen.source, common)


class Evaluator:
    """Evaluates rule nodes over one findings set (``values``: every finding by name, ``None``
    when unknown); each node once."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = values
        self.memo: dict[int, Outcome] = {}

    def __call__(self, node: Rule) -> Outcome:
        done = self.memo.get(id(node))
        if done is None:
            done = self.memo[id(node)] = self._evaluate(node)
        return done

    def _evaluate(self, node: Rule) -> Outcome:
        if isinstance(node, Fact):
            return self._fact(node)
        if isinstance(node, Constant):
            return node.outcome
        if isinstance(node, Not):
            part = self(node.part)
            if part.possible is None:
                return part
            negated: dict[Value, Branch] = {not v: b for v, b in part.possible.items()}
            return Outcome(negated, part.because, part.needs)
        if isinstance(node, AnyOf | AllOf):
            return self._kleene(node.parts, isinstance(node, AnyOf))
        if isinstance(node, AtLeast):
            return self._at_least(node)
        if isinstance(node, First):
            return self._first(node)
        if isinstance(node, Collect):
            return self._collect(node)
        if isinstance(node, MapValue):
            part = self(node.part)
            if part.possible is None:
                return make(None, part.because, part.needs, part.current)
            mapped: dict[Value, Branch] = {}
            for value, branch in part.possible.items():
                mapped.setdefault(node.fn(value), branch if node.branch is None else node.branch)
            if len(mapped) == 1:
                return Outcome(mapped, part.because, ())
            return Outcome(mapped, part.because, part.needs)
        if isinstance(node, WithBranch):
            part = self(node.part)
            possible = None if part.possible is None else dict.fromkeys(part.possible, node.branch)
            return make(possible, part.because, part.needs, part.current)
        if isinstance(node, Custom):
            return node.fn(self.values, *(self(dep).current for dep in node.deps))
        raise TypeError(f"not a rule node: {node!r}")

    def _fact(self, node: Fact) -> Outcome:
        value = self.values[node.name]
        if value is None:
            return make(TRUE_OR_FALSE, (), (node.name,), OPEN)
        arg, test = node.arg, node.test
        if test == "flag":
            holds = bool(value)
        elif test == "in":
            holds = value in arg
        elif test == "gt":
            holds = value > arg
        elif test == "ge":
            holds = value >= arg
        elif test == "has":
            holds = any(item in value for item in arg)
        elif test == "has_other_than":
            holds = not arg.issuperset(value)
        else:
            holds = arg(value, self.values)
        return _boolean(holds, (node.name,))

    def _kleene(self, parts: tuple[Rule, ...], settles: bool) -> Outcome:
        """Kleene OR (``settles`` True) or AND (False): decided by any part with the settling
        value, because of every such part; else by all parts with the other value."""
        outcomes = [self(p) for p in parts]
        winners = [o for o in outcomes if o.current is settles]
        if winners:
            return _boolean(settles, _unique(n for o in winners for n in o.because))
        others = [o for o in outcomes if o.current is (not settles)]
        because = _unique(n for o in others for n in o.because)
        if len(others) == len(outcomes):
            return _boolean(not settles, because)
        needs = _unique(n for o in outcomes if o.current is OPEN for n in o.needs)
        return make(TRUE_OR_FALSE, because, needs, OPEN)

    def _at_least(self, node: AtLeast) -> Outcome:
        outcomes = [self(p) for p in node.parts]
        trues = [o for o in outcomes if o.current is True]
        opens = [o for o in outcomes if o.current is OPEN]
        if len(trues) >= node.k:
            return _boolean(True, _unique(n for o in trues for n in o.because))
        if len(trues) + len(opens) < node.k:
            return _boolean(False, _unique(n for o in outcomes for n in o.because))
        return make(TRUE_OR_FALSE,
                    _unique(n for o in outcomes if o.current is not OPEN for n in o.because),
                    _unique(n for o in opens for n in o.needs), OPEN)

    def _first(self, node: First) -> Outcome:
        possible: dict[Value, Branch] = {}
        because: list[str] = []
        needs: list[str] = []
        many = False

        def add(value: Rule | Value, branch: Branch) -> None:
            nonlocal many
            if not isinstance(value, Rule):
                _merge(possible, value, branch)
                return
            o = self(value)
            because.extend(o.because)
            if o.possible is None:
                many = True
            else:
                for key, br in o.possible.items():
                    _merge(possible, key, br if br.source else branch)
            if o.current is OPEN:
                needs.extend(o.needs)

        for k, (cond, value, branch) in enumerate(node.rules):
            c = self(cond)
            because.extend(c.because)
            if c.current is False:
                continue
            if c.current is not True:
                needs.extend(c.needs)
            add(value, branch)
            if c.current is True:
                # A later branch giving the same plain value whose condition holds too also led
                # to it: the rationale names its findings (the value rests on this branch).
                for later, twin, _ in node.rules[k + 1:]:
                    if _same_plain(value, twin) and self(later).current is True:
                        because.extend(self(later).because)
                break
        else:
            add(node.default, node.default_branch)
        if not many and len(possible) == 1:
            return Outcome(possible, _unique(because), ())
        return make(None if many else possible, _unique(because), _unique(needs), OPEN)

    def _collect(self, node: Collect) -> Outcome:
        codes: list[str] = []
        raised: list[str] = []
        because: list[str] = []
        needs: list[str] = []
        every = True
        for code, cond, interpretations in node.items:
            o = self(cond)
            if o.current is OPEN:
                every = False
                needs.extend(o.needs)
                continue
            because.extend(o.because)
            if o.current is True:
                codes.append(code)
                raised.extend(interpretations)
        if not every:
            return make(None, _unique(because), _unique(needs), OPEN)
        branch = node.branch
        if raised:
            branch = Branch(branch.source, _unique((*branch.interpretations, *raised)))
        value = tuple(codes)
        return make({value: branch}, _unique(because), (), value)


def _same_plain(a: object, b: object) -> bool:
    return not isinstance(a, Rule) and not isinstance(b, Rule) and a == b


def unless(evaluate: Evaluator, node: Rule, target: Value) -> tuple[str, ...]:
    """The unknown findings whose answers could make ``node`` give something other than
    ``target`` (for an urgency: the findings that could make it less urgent).

    For a first-match rule: every open condition up to the last branch that can still give
    ``target`` (one of them turning out otherwise can change the branch taken), and, within a
    branch whose value is itself a rule, what could move that rule away from ``target``. For any
    other node: everything it needs."""
    o = evaluate(node)
    if o.current is not OPEN:
        return ()
    if not isinstance(node, First):
        return o.needs
    steps: list[tuple[Outcome, Rule | Value]] = []
    for cond, value, _ in node.rules:
        c = evaluate(cond)
        if c.current is False:
            continue
        steps.append((c, value))
        if c.current is True:
            break
    else:
        steps.append((make(ONLY_TRUE, (), (), True), node.default))
    last = max((k for k, (_, value) in enumerate(steps) if _can_give(evaluate, value, target)),
               default=-1)
    found: list[str] = []
    for c, value in steps[: last + 1]:
        if c.current is OPEN:
            found.extend(c.needs)
        if isinstance(value, Rule) and _can_give(evaluate, value, target):
            found.extend(unless(evaluate, value, target))
    return _unique(found)


def _can_give(evaluate: Evaluator, value: Rule | Value, target: Value) -> bool:
    if not isinstance(value, Rule):
        return bool(value == target)
    o = evaluate(value)
    return o.possible is None or target in o.possible


def evaluate_all(nodes: tuple[Rule, ...], values: Mapping[str, Any]) -> tuple[Outcome, ...]:
    """Every node's outcome over ``values`` (the findings by name)."""
    evaluate = Evaluator(values)
    return tuple(evaluate(n) for n in nodes)
