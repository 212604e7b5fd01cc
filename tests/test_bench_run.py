"""``./dev bench`` fails loudly when one of its parts cannot run (it used to skip the whole bot
benchmark without a word)."""

from __future__ import annotations

import sys

import pytest

from bench import run


def test_a_part_that_cannot_run_fails_the_run_naming_it(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*args: object, **kwargs: object) -> dict[str, object]:
        raise ImportError("no module named 'tests'")

    for name in ("bench_advise", "bench_dialog_counts", "bench_state", "bench_load",
                 "bench_advice_screen", "bench_flowcharts"):
        monkeypatch.setattr(run, name, lambda *a, **k: {})
    monkeypatch.setattr(run, "bench_bot", broken)
    monkeypatch.setattr(sys, "argv", ["bench/run.py", "--quick"])
    assert run.main() == 1
    err = capsys.readouterr().err
    assert "bench part 'bot throughput' failed: ImportError" in err
    assert "FAILED: 1 bench part(s) could not run: bot throughput" in err
