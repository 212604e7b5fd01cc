"""Benchmarks anyone can rerun: ``python bench/run.py`` (a table) or ``--json`` (one object).

Reported as medians, percentiles and ratios measured in this run, never from unit tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Imported here, not inside a part: a harness that cannot be imported fails the run at once.
from bench.advice_screen import bench_advice_screen  # noqa: E402
from bench.bot_throughput import bench_bot  # noqa: E402
from bench.common import CASES, percentile  # noqa: E402
from bench.flowcharts import run as bench_flowcharts  # noqa: E402
from bench.load import bench_load  # noqa: E402
from dialogs import engine  # noqa: E402
from dialogs.render import question_view  # noqa: E402
from logic.advice import advise  # noqa: E402
from tests.dialog_driver import answer_for, drive_case  # noqa: E402


def bench_advise(rounds: int = 2000) -> dict[str, float]:
    """The logic's advise over every example case (validation included), per call."""
    timings: list[float] = []
    for _ in range(rounds):
        for case in CASES:
            start = time.perf_counter_ns()
            advise(case["pathway"], case["findings"])
            timings.append((time.perf_counter_ns() - start) / 1000)
    return {"advise_median_us": round(statistics.median(timings), 1),
            "advise_p99_us": round(percentile(timings, 0.99), 1)}


def bench_dialog_counts() -> dict[str, Any]:
    """Questions asked per example case against the findings the case holds."""
    questions, findings = [], []
    for case in CASES:
        _, transcript = drive_case(case["pathway"], case["findings"], "en")
        questions.append(sum(1 for m in transcript if m["type"] == "question"))
        findings.append(len(case["findings"]))
    _, transcript = drive_case("spine.diagnosis", {"mesmc_deficit": True}, "en")
    urgency = next(i for i, m in enumerate(transcript)
                   if m.get("decisions", {}).get("mri_within_hours") == 12
                   or m.get("advice", {}).get("decisions", {}).get("mri_within_hours") == 12)
    return {"urgency_questions": urgency,
            "questions_per_case_median": statistics.median(questions),
            "findings_per_case_median": statistics.median(findings)}


def _stored_chat(case: dict[str, Any]) -> dict[str, Any]:
    """What the Telegram front end stores per chat at the end of a case: the saved
    conversation, the language, the message with the keyboard and the reply's record."""
    from bot.chats import ChatState
    from bot.replies import reply_record

    now = datetime.now(UTC)
    step = engine.start(case["pathway"], "nl", now)
    while step.question is not None:
        view = question_view(step.question, "nl")
        msg = {"findings": list(view.findings), "finding": view.finding, "kind": view.kind}
        step = engine.answer(step.conv, answer_for(msg, case["findings"]))
    state = ChatState(1, {}, "nl", step.conv, msg=2_000_000_001,
                      reply=reply_record(step, "nl", now, 3, [2_000_000_000]))
    state.dump()
    engine.close(step.conv)
    return state.data


def bench_state() -> dict[str, Any]:
    from bot.persistence import SqlitePersistence
    from dialogs.conversation import SavedConversation

    stored = [_stored_chat(c) for c in CASES]
    size = max(len(json.dumps(s, separators=(",", ":")).encode()) for s in stored)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "state.sqlite"
        now = datetime.now(UTC)
        p = SqlitePersistence(path, clock=lambda: now)

        async def fill() -> None:
            for chat_id in range(10_000):
                await p.update_chat_data(chat_id, stored[chat_id % len(stored)])

        asyncio.run(fill())
        p.close()

        def start_up() -> int:
            """What start-up does: open the store (with its idle purge) and read every chat."""
            q = SqlitePersistence(path, clock=lambda: now + timedelta(minutes=1))
            chats = asyncio.run(q.get_chat_data())
            q.close()
            return len(chats)

        def resume_all() -> int:
            """Resuming every conversation onto its machine (done lazily, per chat, at its
            next update; measured here for all 10 000 at once)."""
            q = SqlitePersistence(path, clock=lambda: now + timedelta(minutes=1))
            chats = asyncio.run(q.get_chat_data())
            convs = [engine.resume(SavedConversation.model_validate(d["conv"]))
                     for d in chats.values()]
            for conv in convs:
                engine.close(conv)
            q.close()
            return len(convs)

        seconds = _median_seconds(start_up, 3)
        resume_seconds = _median_seconds(resume_all, 1)
    return {"state_bytes_per_conversation": size, "load_10k_seconds": round(seconds, 3),
            "resume_10k_seconds": round(resume_seconds, 3)}


def _median_seconds(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def machine() -> str:
    import os

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    args = parser.parse_args()
    parts: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        ("advise", lambda: bench_advise(200 if args.quick else 2000)),
        ("dialog counts", bench_dialog_counts),
        ("state", bench_state),
        ("bot throughput", lambda: bench_bot(chats=100 if args.quick else 1000)),
        ("load", lambda: bench_load(strangers=500 if args.quick else 2000)),
        ("advice screen", bench_advice_screen),
        ("flowcharts", bench_flowcharts),
    ]
    results: dict[str, Any] = {"machine": machine()}
    failed: list[str] = []
    for name, part in parts:
        try:
            results |= part()
        except Exception as exc:  # report every part that cannot run, and fail the run
            failed.append(name)
            print(f"bench part {name!r} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    if args.json:
        print(json.dumps(results))
    else:
        width = max(len(k) for k in results)
        for key, value in results.items():
            print(f"{key:<{width}}  {value}")
    if failed:
        print(f"FAILED: {len(failed)} bench part(s) could not run: {', '.join(failed)}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
