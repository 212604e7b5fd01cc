"""The advice on one screen: characters of the first message of every example case's final
advice in Telegram (nl and en); ``advice_first_message_chars`` is the maximum (goal ≤ 1000)."""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from bot.texts import advice_messages  # noqa: E402
from dialogs import engine  # noqa: E402
from dialogs.deadlines import note_shown  # noqa: E402
from dialogs.engine import Step  # noqa: E402
from dialogs.render import question_view  # noqa: E402
from tests.dialog_driver import NIGHT, answer_for  # noqa: E402

CASE_FILES = sorted((ROOT / "tests" / "cases").glob("*.yaml"))


def final_step(case: dict[str, Any], lang: str) -> Step:
    """The case answered to its final advice (options by value, the rest typed)."""
    step = engine.start(case["pathway"], lang, NIGHT)
    for _ in range(80):
        note_shown(step.conv, step.advice, NIGHT)
        if step.question is None:
            return step
        view = question_view(step.question, lang)
        raw = answer_for({"findings": list(view.findings), "finding": view.finding,
                          "kind": view.kind}, case["findings"])
        values = {str(o.value) for o in view.options}
        step = (engine.choose(step.conv, raw) if all(v in values for v in raw.split(","))
                else engine.answer(step.conv, raw))
    raise AssertionError(f"{case['pathway']}: the dialog did not end")


def shown_length(message_html: str) -> int:
    return len(html.unescape(re.sub(r"<[^>]+>", "", message_html)))


def first_message_chars() -> dict[str, int]:
    out = {}
    for path in CASE_FILES:
        case = yaml.safe_load(path.read_text())
        for lang in ("nl", "en"):
            first = advice_messages(final_step(case, lang), lang, NIGHT)[0]
            out[f"{path.stem}.{lang}"] = shown_length(first)
    return out


def bench_advice_screen() -> dict[str, Any]:
    chars = first_message_chars()
    return {"advice_first_message_chars": max(chars.values()),
            "advice_first_message_chars_per_case": chars}


if __name__ == "__main__":
    for name, n in first_message_chars().items():
        print(f"{name:<50} {n}")
