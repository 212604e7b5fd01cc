"""A pathway's clinical flowchart, built from its rule graph (``PATHWAYS[id].built``).

Per decision field, in the order of the advice (urgency first): its applicability as a gate, then
its rule as decisions (diamonds, one finding test each, with yes/no or value branches) leading to
actions (boxes: the decided value, with its urgency for a window, tagged with the interpretations
it rests on). ``first`` becomes a chain of tests, ``any_``/``all_`` chains of single tests, and
``collect`` a checklist; a part that is another field's value is asked by that field's name.

Every edge knows the condition values under which it is taken, so :func:`taken` can mark one
patient's path through the same chart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from logic.compiler import compile_rules
from logic.outcome import OPEN, Branch, Outcome
from logic.pathways import PATHWAYS
from logic.rules import (
    ALWAYS,
    AllOf,
    AnyOf,
    AtLeast,
    Collect,
    Constant,
    Fact,
    First,
    MapValue,
    Not,
    Rule,
    WithBranch,
)
from logic.urgency import ALARM_ORDER, URGENCY_FIELDS

from ..i18n import translator
from ..keys import field_key, interpretation_key
from ..layout import SECTIONS
from .words import NOT_APPLICABLE, OTHERWISE, Words

Kind = Literal["start", "section", "decision", "action", "urgent", "na"]
Requires = tuple[tuple[Rule, Any], ...]  # (condition, the value it must have)


@dataclass
class Node:
    id: str
    kind: Kind
    text: str
    tags: tuple[str, ...] = ()  # interpretation ids
    cluster: str | None = None  # the field whose subtree it is in


@dataclass
class Edge:
    src: str
    dst: str
    label: str = ""
    requires: Requires = ()
    invisible: bool = False


@dataclass
class Chart:
    pathway: str
    lang: str
    title: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    clusters: dict[str, str] = field(default_factory=dict)  # field -> its title
    legend: dict[str, str] = field(default_factory=dict)  # interpretation id -> its text
    ranks: list[list[str]] = field(default_factory=list)  # nodes drawn side by side

    def conditions(self) -> tuple[Rule, ...]:
        return tuple({id(c): c for e in self.edges for c, _ in e.requires}.values())


def field_order(pathway: str) -> list[tuple[str, list[str]]]:
    """The sections and their fields as the advice lists them, urgency fields first; fields in
    no section go last."""
    names = list(PATHWAYS[pathway].built.fields)
    sections = [(title, [f for f in fs if f in names]) for title, fs in SECTIONS.get(pathway, ())]
    if not sections:
        sections = [("treatment", [])]
    placed = {f for _, fs in sections for f in fs}
    sections[-1][1].extend(f for f in names if f not in placed)
    for _, fs in sections:
        fs.sort(key=lambda f: (f not in URGENCY_FIELDS,))
    return [(title, fs) for title, fs in sections if fs]


class _Builder:
    def __init__(self, pathway: str, lang: str) -> None:
        t = translator(lang)
        self.t = t
        self.words = Words(pathway, t)
        title = f"menu.{pathway.replace('.', '_')}"  # the start menu's name of the pathway
        self.chart = Chart(pathway, lang, t(title))
        self.field = ""
        self.count = 0

    def node(self, kind: Kind, text: str, tags: tuple[str, ...] = ()) -> str:
        self.count += 1
        nid = f"n{self.count}"
        self.chart.nodes[nid] = Node(nid, kind, text, tags, self.field or None)
        for i in tags:
            self.chart.legend.setdefault(i, "")
        return nid

    def edge(self, src: str, dst: str | None, label: str = "", requires: Requires = ()) -> None:
        if dst is not None:
            self.chart.edges.append(Edge(src, dst, label, requires))

    # --- a field ----------------------------------------------------------------------------
    def add_field(self, name: str) -> str:
        self.field = name
        self.chart.clusters[name] = self.t(field_key(name))
        decision = PATHWAYS[self.chart.pathway].built.fields[name]
        root = self.value(decision.rule, ())
        if decision.applies is not ALWAYS:
            na = self.node("na", self.t(NOT_APPLICABLE))
            root = self.cond(decision.applies, root, na)
        return root

    def action(self, value: object, interps: tuple[str, ...]) -> str:
        urgent = self.field in URGENCY_FIELDS and value not in (None, ALARM_ORDER[-1])
        kind: Kind = "urgent" if urgent else "action"
        return self.node(kind, self.words.value(self.field, value), interps)

    def value(self, v: Rule | object, interps: tuple[str, ...]) -> str:
        """The entry node of the subtree that decides value ``v``."""
        if isinstance(v, WithBranch):
            return self.value(v.part, (*interps, *v.branch.interpretations))
        if isinstance(v, First):
            return self.first(v, interps)
        if isinstance(v, Collect):
            return self.collect(v, interps)
        if isinstance(v, Constant):
            return self.constant(v.outcome, interps)
        if isinstance(v, Rule) and not _is_condition(v):  # computed (NESMS): one action
            return self.action(None, (*interps, *getattr(v, "raises", ())))
        if isinstance(v, Rule):
            return self.cond(v, self.action(True, interps), self.action(False, interps))
        return self.action(v, interps)

    def constant(self, outcome: Outcome, interps: tuple[str, ...]) -> str:
        branch = outcome.branch if outcome.decided else Branch("")
        return self.action(outcome.current, (*interps, *branch.interpretations))

    def first(self, node: First, interps: tuple[str, ...]) -> str:
        entry = self.value(node.default, (*interps, *node.default_branch.interpretations))
        rules = list(node.rules)
        while rules:
            group = _same_choice(rules)
            if len(group) > 1:
                entry = self.choice(group, entry, interps)
                del rules[-len(group):]
                continue
            cond, v, branch = rules.pop()
            then = self.value(v, (*interps, *branch.interpretations))
            entry = self.cond(cond, then, entry)
        return entry

    def choice(self, group: list[tuple[Rule, Any, Branch]], otherwise: str,
               interps: tuple[str, ...]) -> str:
        """Tests of one choice finding: one diamond with a branch per value."""
        facts = [c for c, _, _ in group]
        name = facts[0].name  # type: ignore[attr-defined]
        diamond = self.node("decision", self.words.finding(name).rstrip("?") + "?")
        for fact, v, branch in group:
            self.edge(diamond, self.value(v, (*interps, *branch.interpretations)),
                      self.words.options(name, fact.arg), ((fact, True),))  # type: ignore[attr-defined]
        self.edge(diamond, otherwise, self.t(OTHERWISE), tuple((f, False) for f in facts))
        return diamond

    def collect(self, node: Collect, interps: tuple[str, ...]) -> str:
        """A checklist: per condition (items sharing one are grouped), yes -> the items."""
        groups: dict[int, tuple[Rule, list[str], list[str]]] = {}
        for code, cond, item_interps in node.items:
            _, codes, tags = groups.setdefault(id(cond), (cond, [], []))
            codes.append(code)
            tags.extend(item_interps)
        entry: str | None = None
        for cond, codes, tags in reversed(groups.values()):
            box = self.action(tuple(codes), (*interps, *node.branch.interpretations, *tags))
            self.edge(box, entry)
            if isinstance(cond, Constant):
                entry = box if cond.outcome.current is True else entry
            else:
                entry = self.cond(cond, box, entry)
        return entry if entry is not None else self.action((), interps)

    # --- conditions -------------------------------------------------------------------------
    def cond(self, node: Rule, yes: str | None, no: str | None) -> str:
        """The entry of a chain of single tests that leads to ``yes`` or ``no``."""
        if id(node) not in self.words.aliases or self.words.aliases[id(node)] == self.field:
            if isinstance(node, Not):
                return self.cond(node.part, no, yes)
            if isinstance(node, AnyOf | AllOf):
                parts = list(node.parts)
                entry = self.cond(parts.pop(), yes, no)
                for p in reversed(parts):
                    entry = (self.cond(p, yes, entry) if isinstance(node, AnyOf)
                             else self.cond(p, entry, no))
                return entry
            if isinstance(node, WithBranch):
                return self.cond(node.part, yes, no)
        diamond = self.node("decision", self.words.question(node, self.field))
        self.edge(diamond, yes, self.t("common.yes"), ((node, True),))
        self.edge(diamond, no, self.t("common.no"), ((node, False),))
        return diamond


def _is_condition(node: Rule) -> bool:
    return isinstance(node, Fact | Not | AnyOf | AllOf | AtLeast | MapValue)


def _same_choice(rules: list[tuple[Rule, Any, Branch]]) -> list[tuple[Rule, Any, Branch]]:
    """The last rules of ``rules`` that test one choice finding (``is_``), in order."""
    group: list[tuple[Rule, Any, Branch]] = []
    for rule in reversed(rules):
        cond = rule[0]
        if not (isinstance(cond, Fact) and cond.test == "in"):
            break
        if group and cond.name != group[0][0].name:  # type: ignore[attr-defined]
            break
        group.insert(0, rule)
    return group


@cache
def chart(pathway: str, lang: str) -> Chart:
    """The flowchart of ``pathway`` in ``lang`` (built once)."""
    b = _Builder(pathway, lang)
    start = b.node("start", b.chart.title)
    above = [start]
    for section, fields in field_order(pathway):
        b.field = ""
        key = f"section.{section}"
        head = b.node("section", b.t(key))
        b.chart.edges += [Edge(src, head, invisible=src != start) for src in above]
        roots = [b.add_field(name) for name in fields]
        b.field = ""
        for root in roots:
            b.edge(head, root)
        b.chart.ranks.append(roots)
        above = _sinks(b.chart, set(b.chart.nodes) - _before(b.chart, head))
    for iid in b.chart.legend:
        b.chart.legend[iid] = b.t(interpretation_key(iid))
    b.chart.legend = dict(sorted(b.chart.legend.items(), key=lambda kv: int(kv[0][2:])))
    return b.chart


def _before(c: Chart, head: str) -> set[str]:
    ids = list(c.nodes)
    return set(ids[:ids.index(head)])


def _sinks(c: Chart, among: set[str]) -> list[str]:
    sources = {e.src for e in c.edges if not e.invisible}
    return [n for n in c.nodes if n in among and n not in sources]


# --- one patient's path ---------------------------------------------------------------------
@cache
def _evaluator(pathway: str, lang: str) -> Any:
    return compile_rules(chart(pathway, lang).conditions(), f"chart {pathway}")


def taken(c: Chart, findings: Mapping[str, object]) -> tuple[set[str], set[int]]:
    """The nodes reached and the edges (by index) taken with these findings: an edge is taken
    when every condition it rests on has the value it requires (an open one stops the path)."""
    model = PATHWAYS[c.pathway].findings
    evaluate = _evaluator(c.pathway, c.lang)
    values = {id(cond): parts[1] for cond, parts
              in zip(c.conditions(), evaluate(model(**findings)), strict=True)}
    reached = {n.id for n in c.nodes.values() if n.kind in ("start", "section")}
    edges: set[int] = set()
    changed = True
    while changed:
        changed = False
        for i, e in enumerate(c.edges):
            if i in edges or e.src not in reached or e.invisible:
                continue
            if all(values[id(cond)] is not OPEN and values[id(cond)] == want
                   for cond, want in e.requires):
                edges.add(i)
                reached.add(e.dst)
                changed = True
    return reached, edges
