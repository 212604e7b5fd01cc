"""The words of a flowchart: finding tests as questions, decided values as actions, in one language.

Every text comes from the catalogs (the finding, option, field, decision and item texts the dialog
shows), so a chart never shows an internal code; the few words only a chart needs are the
``chart.*`` keys below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache

from logic.describe import codes
from logic.domains import domains
from logic.pathways import PATHWAYS
from logic.rules import (
    AllOf,
    AnyOf,
    AtLeast,
    Constant,
    Custom,
    Fact,
    First,
    MapValue,
    Not,
    Rule,
    WithBranch,
)

from ..i18n import N_, Translator
from ..keys import decision_key, field_key, finding_key, item_key
from ..layout import FIELDS
from ..questions import option_key

OR = N_("chart.or")
NOT = N_("chart.not")
AT_LEAST = N_("chart.at_least")
WITHIN_HOURS = N_("chart.within_hours")
WITHIN_DAYS = N_("chart.within_days")
WITHIN_ONE_WEEK = N_("chart.within_one_week")
WITHIN_WEEKS = N_("chart.within_weeks")
OTHERWISE = N_("chart.otherwise")
NOT_APPLICABLE = N_("chart.not_applicable")
# Finding tests written as Python predicates, by the predicate's name.
TESTS = {"_over_interval": N_("chart.test.over_interval")}
# Named parts of a rule graph (``Rules.terms``) asked as one question, by the term's name.
TERMS = {"NESMS ≥ 2 [I-7: the upper bound]": N_("chart.term.nesms_at_least_2")}
OTHER_THAN = N_("chart.other_than")
# Computed conditions (:func:`logic.rules.custom`) that are no field, by the function's name.
COMPUTED = {"_kps_at_least_70": N_("chart.test.kps_at_least_70")}

Aliases = Mapping[int, str]  # id(rule node) -> the field whose value it is


def aliases(pathway: str) -> dict[int, str]:
    """The nodes that stand for a field's value, so another field's chart names that field
    instead of spelling its rule out again."""
    found: dict[int, str] = {}
    built = PATHWAYS[pathway].built
    for term, node in built.terms.items():
        if term in TERMS:
            found[id(node)] = TERMS[term]
    for name, decision in built.fields.items():
        for node in _value_nodes(decision.rule):
            if not isinstance(node, Fact):
                found.setdefault(id(node), name)
    return found


def _value_nodes(node: Rule) -> Iterable[Rule]:
    yield node
    if isinstance(node, WithBranch):
        yield from _value_nodes(node.part)
    if isinstance(node, First) and isinstance(node.default, Rule) and all(
            v is True for _, v, _ in node.rules):
        yield from _value_nodes(node.default)  # e.g. a candidacy with an I-7 shortcut to True


@cache
def custom_fields() -> dict[object, str]:
    """Computed rules (:func:`logic.rules.custom`) by function: the field they decide."""
    return {d.rule.fn: name for p in PATHWAYS.values() for name, d in p.built.fields.items()
            if isinstance(d.rule, Custom)}


def first_sentence(text: str) -> str:
    """The text up to its first full stop (a whole sentence, never cut inside a word)."""
    match = re.search(r"(?<=[.!?])\s", text)
    return (text[:match.start()] if match else text).strip()


def first_clause(text: str) -> str:
    """The text up to its first colon, bracket, semicolon, dash or full stop (whole words)."""
    match = re.search(r"(: | \(|; |\. | — )", text)
    return text[:match.start()].strip() if match and match.start() >= 3 else text


class Words:
    """Texts for one pathway in one language."""

    def __init__(self, pathway: str, t: Translator) -> None:
        self.t = t
        self.pathway = pathway
        self.domains = domains(PATHWAYS[pathway].findings)
        self.aliases = aliases(pathway)

    # --- findings ---------------------------------------------------------------------------
    def finding(self, name: str) -> str:
        return self.t(finding_key(name))

    def option(self, name: str, value: object) -> str:
        return self.t(option_key(name, value))

    def options(self, name: str, values: Iterable[object]) -> str:
        return " / ".join(self.option(name, v) for v in values)

    def question(self, node: Rule, field: str) -> str:
        """``node`` as a yes/no question (a decision diamond)."""
        return self.condition(node, field).rstrip("?") + "?"

    def condition(self, node: Rule, field: str) -> str:
        """``node`` in words; parts that are another field's value are named by that field."""
        alias = self.aliases.get(id(node))
        if alias is not None and alias != field:
            return self.t(alias if alias.startswith("chart.") else field_key(alias))
        if isinstance(node, Fact):
            return self.fact(node)
        if isinstance(node, Not):
            return self.t(NOT, condition=self.condition(node.part, field))
        if isinstance(node, AnyOf | AllOf):
            word = f" {self.t(OR)} " if isinstance(node, AnyOf) else f" {self.t('ui.and')} "
            text = word.join(self._part(p, field) for p in node.parts)
            return text
        if isinstance(node, AtLeast):
            return self.t(AT_LEAST, k=node.k,
                          conditions="; ".join(self.condition(p, field) for p in node.parts))
        if isinstance(node, MapValue):
            values = [v for v in codes(node.part) if node.fn(v) is True]
            target = self.aliases.get(id(node.part))
            if target is not None and FIELDS.get(target) and FIELDS[target].kind == "bool":
                title = self.t(field_key(target))
                return title if values == [True] else self.t(NOT, condition=title)
            if target is not None:
                shown = " / ".join(self.value_short(target, v) for v in values)
                return f"{self.t(field_key(target))}: {shown}"
            return self.condition(node.part, field)
        if isinstance(node, WithBranch):
            return self.condition(node.part, field)
        if isinstance(node, Custom) and node.fn in custom_fields():
            return self.t(field_key(custom_fields()[node.fn]))
        if isinstance(node, Custom) and getattr(node.fn, "__name__", "") in COMPUTED:
            return self.t(COMPUTED[node.fn.__name__])
        if isinstance(node, Constant):
            return self.t("common.yes")
        raise ValueError(f"{self.pathway}.{field}: no words for {node!r}")

    def _part(self, node: Rule, field: str) -> str:
        text = self.condition(node, field)
        return f"({text})" if isinstance(node, AnyOf | AllOf) and len(node.parts) > 1 else text

    def fact(self, node: Fact) -> str:
        name, arg, finding = node.name, node.arg, self.finding(node.name)
        if node.test == "flag":
            return finding
        if node.test in ("in", "has"):
            values = list(arg)
            domain = [v for v in self.domains[name].values if v not in values]
            if node.test == "in" and len(values) > len(domain) > 0:
                return f"{finding} ≠ {self.options(name, domain)}"
            return f"{finding}: {self.options(name, values)}"
        if node.test == "has_other_than":
            return self.t(OTHER_THAN, finding=finding, options=self.options(name, sorted(arg)))
        if node.test in ("gt", "ge"):
            return f"{finding} {'>' if node.test == 'gt' else '≥'} {arg}"
        key = TESTS.get(getattr(arg, "__name__", ""))
        return self.t(key, finding=finding) if key else finding

    # --- decided values ---------------------------------------------------------------------
    def value(self, field: str, value: object) -> str:
        """A decided value as an action: for a window, the action with its urgency."""
        kind = FIELDS[field].kind if field in FIELDS else "code"
        if kind == "hours":
            if value is None:
                return first_sentence(self.t(decision_key(field, "none")))
            return f"{self.t(field_key(field))} {self.within(int(value))}"  # type: ignore[call-overload]
        if kind == "list":
            items = value if isinstance(value, tuple | list) else (value,)
            if not items:
                return first_sentence(self.t(decision_key(field, "empty")))
            return "; ".join(self.item(field, c) for c in items)
        if kind in ("nesms", "prognosis") or value is None:
            return self.t(field_key(field))
        return first_sentence(self.t(decision_key(field, value)))

    def value_short(self, field: str, value: object) -> str:
        """A value inside a question about it ("Primary treatment: radiotherapy")."""
        if FIELDS.get(field) and FIELDS[field].kind == "hours" and value is not None:
            return self.within(int(value))  # type: ignore[call-overload]
        return first_clause(self.value(field, value))

    def item(self, field: str, code: object) -> str:
        key = item_key(field, str(code))
        return self.t(key) if self.t.has(key) else str(code)

    def within(self, hours: int) -> str:
        if hours < 72:
            return self.t(WITHIN_HOURS, hours=hours)
        if hours % 168 == 0:
            weeks = hours // 168
            return self.t(WITHIN_ONE_WEEK) if weeks == 1 else self.t(WITHIN_WEEKS, weeks=weeks)
        return self.t(WITHIN_DAYS, days=round(hours / 24))
