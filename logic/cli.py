"""The case command line (spec §8): ``python -m logic advise CASE [--json]``; ``rules``.

This module is the logic package's only I/O edge: it reads a case file and prints.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from .advice import Advice, advise_findings
from .cases import CaseError, load_text, parse_case
from .rules_doc import render


def _read(source: str, stdin: TextIO) -> str:
    if source == "-":
        return stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseError([f"case: cannot read {source}: {exc.__class__.__name__}"]) from None


def _value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def summary(advice: Advice) -> str:
    """A readable plain summary of an advice (codes, for checking cases by eye)."""
    g = advice.guideline
    out = [f"{advice.pathway} — guideline {g.id} ({g.version}), spec version "
           f"{advice.spec_version}", "", "Decisions:"]
    for name, value in advice.decisions.items():
        if name in advice.not_applicable:
            continue
        if name in advice.missing_by_decision:
            pending = advice.missing_by_decision[name]
            shown = ("undecided — needs " + ", ".join(pending)) if pending else (
                "undecided — no applicable finding can settle it yet")
            if name in advice.provisional:
                p = advice.provisional[name]
                unless = f" unless {', '.join(p.unless)} excluded" if p.unless else ""
                shown += f"; provisional (fail-safe): {_value(p.value)}{unless}"
        else:
            shown = _value(value)
        out.append(f"  {name}: {shown}")
    out += ["", "Not applicable: " + (", ".join(advice.not_applicable) or "none")]
    out += ["Still needed: " + (", ".join(advice.missing) or "nothing")]
    out += ["Ignored (given where they cannot apply): " + (", ".join(advice.ignored) or "none")]
    if advice.interpretations:
        out += ["", "Rests on interpretations:"]
        out += [f"  {i.id}: {i.text}" for i in advice.interpretations]
    out += ["", "Rationale:"]
    for r in advice.rationale:
        because = ", ".join(r.because) or "always"
        out.append(f"  {r.decision}: because {because} [{r.source}]")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
         stderr: TextIO = sys.stderr) -> int:
    parser = argparse.ArgumentParser(prog="python -m logic")
    sub = parser.add_subparsers(dest="command", required=True)
    adv = sub.add_parser("advise", help="print the advice for a case file (YAML or JSON)")
    adv.add_argument("case", help="path of the case file, or - for standard input")
    adv.add_argument("--json", action="store_true", help="print the advice object as JSON")
    sub.add_parser("rules", help="print docs/rules.md")
    args = parser.parse_args(argv)
    if args.command == "rules":
        stdout.write(render())
        return 0
    try:
        pathway, findings = parse_case(load_text(_read(args.case, stdin)))
    except CaseError as exc:
        for line in exc.problems:
            print(line, file=stderr)
        return 2
    advice = advise_findings(pathway, findings)
    if args.json:
        stdout.write(json.dumps(advice.model_dump(mode="json"), ensure_ascii=False, indent=2)
                     + "\n")
    else:
        stdout.write(summary(advice))
    return 0
