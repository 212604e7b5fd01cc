"""Counters for a supervisor, in the Prometheus text format, on 127.0.0.1:``METRICS_PORT``.

``GET /metrics``: updates handled, refused, skipped as repeated, over the rate limit, failed;
the update processing time (median, 90th and 99th percentile of the last 1 000 updates); the
updates waiting and the replies pending. ``GET /healthz`` as in webhook mode. Only counts and
times, never an id or a text. Off unless ``METRICS_PORT`` is set.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from .gate import Stats
from .webhook import HEALTH_PATH, Health, HealthHandler, HttpService, QuietHandler

__all__ = ["Latency", "MetricsServer", "render"]

COUNTERS = (
    ("handled", "updates handled for allowed users"),
    ("refused", "updates from users not on ALLOWED_USER_IDS"),
    ("refusals_unsent", "refusals not sent (over the refusal budget)"),
    ("duplicates", "updates delivered again and skipped"),
    ("rate_limited", "updates over a user's rate limit"),
    ("left_chats", "groups and channels left"),
    ("errors", "updates whose handling failed"),
)


class Latency:
    """The processing times (s) of the last ``keep`` updates."""

    def __init__(self, keep: int = 1000) -> None:
        self._times: deque[float] = deque(maxlen=keep)

    def observe(self, seconds: float) -> None:
        self._times.append(seconds)

    def quantiles(self, qs: tuple[float, ...] = (0.5, 0.9, 0.99)) -> dict[float, float]:
        ordered = sorted(self._times)
        if not ordered:
            return {}
        return {q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] for q in qs}


def render(stats: Stats, latency: Latency, gauges: dict[str, tuple[float, str]]) -> str:
    """The Prometheus text exposition of the counters, the latency and ``gauges``."""
    lines: list[str] = []
    for name, help_text in COUNTERS:
        metric = f"bot_updates_{name}_total"
        lines += [f"# HELP {metric} {help_text}", f"# TYPE {metric} counter",
                  f"{metric} {getattr(stats, name)}"]
    lines += ["# HELP bot_update_seconds processing time of an update (last 1000)",
              "# TYPE bot_update_seconds summary"]
    lines += [f'bot_update_seconds{{quantile="{q}"}} {v:.6f}'
              for q, v in latency.quantiles().items()]
    for name, (value, help_text) in gauges.items():
        lines += [f"# HELP bot_{name} {help_text}", f"# TYPE bot_{name} gauge",
                  f"bot_{name} {value:g}"]
    return "\n".join(lines) + "\n"


class _Metrics(QuietHandler):
    def initialize(self, text: Callable[[], str]) -> None:
        self.text = text

    def get(self) -> None:
        self.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        self.finish(self.text())


class MetricsServer(HttpService):
    """``/metrics`` and :data:`~bot.webhook.HEALTH_PATH` (bind it to 127.0.0.1 only)."""

    def __init__(self, text: Callable[[], str], health: Health) -> None:
        super().__init__([("/metrics", _Metrics, {"text": text}),
                          (HEALTH_PATH, HealthHandler, {"health": health})])
