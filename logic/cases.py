"""Case files (spec §8): parse and validate, with one plain problem line per error."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml
from pydantic import ValidationError

from .domains import domains
from .findings import Findings
from .pathway import Pathway
from .pathways import PATHWAYS

# spec §8: what a case file may hold (the expectations are for tests; the CLI reads the rest).
TOP_LEVEL = ("pathway", "findings", "expect", "expect_provisional", "expect_not_applicable",
             "never_ask")


class CaseError(ValueError):
    """A case that cannot be advised on; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def load_text(text: str) -> Any:
    """YAML or JSON text (YAML is a superset of JSON)."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML or JSON"
        raise CaseError([f"case: malformed file{where}: {problem}"]) from None


def parse_case(data: Any) -> tuple[Pathway, Findings]:
    if not isinstance(data, Mapping):
        raise CaseError(["case: must be a mapping with 'pathway' and 'findings'"])
    problems = [f"{key}: unknown top-level key; allowed: {', '.join(TOP_LEVEL)}"
                for key in data if key not in TOP_LEVEL]
    pathway_id = data.get("pathway")
    pathway = PATHWAYS.get(pathway_id) if isinstance(pathway_id, str) else None
    if pathway is None:
        problems.append(f"pathway: {pathway_id!r} is not a pathway; allowed: "
                        + ", ".join(PATHWAYS))
    findings = data.get("findings", {})
    if findings is None:
        findings = {}
    if not isinstance(findings, Mapping):
        problems.append("findings: must be a mapping of finding names to values")
    if problems or pathway is None or not isinstance(findings, Mapping):
        raise CaseError(problems)
    return pathway, validate_findings(pathway, findings)


def validate_findings(pathway: Pathway, findings: Mapping[str, Any]) -> Findings:
    try:
        return pathway.findings.model_validate(dict(findings))
    except ValidationError as exc:
        raise CaseError(problem_lines(pathway, exc)) from None


def problem_lines(pathway: Pathway, exc: ValidationError) -> list[str]:
    """One line per error, naming the finding, the value and what is allowed."""
    allowed = domains(pathway.findings)
    lines: list[str] = []
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        name = str(loc[0]) if loc else ""
        value = err.get("input")
        if err["type"] == "extra_forbidden":
            lines.append(f"findings.{name}: not a finding of {pathway.id}; allowed: "
                         + ", ".join(allowed))
        elif name in allowed:
            domain = allowed[name]
            hint = ""
            if isinstance(value, bool) and domain.kind == "choice":
                hint = " (in YAML, quote yes/no values: \"no\")"
            item = f"[{loc[1]}]" if len(loc) > 1 else ""
            lines.append(f"findings.{name}{item}: {value!r} is not allowed; allowed: "
                         f"{domain.describe()}{hint}")
        else:
            lines.append(f"findings: {err['msg'].removeprefix('Value error, ')}")
    return lines
