"""DashboardMonitor: GenerationMonitor's calls for scripts without afterimage, answered by the dashboard."""
import logging
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, List, Optional

from . import _expand
from ._time import json_safe, to_utc_iso
from ._transport import Transport

logger = logging.getLogger("dashboard_client")


@dataclass(frozen=True)
class ModelTokenUsage:
    model_name: str
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


@dataclass
class TokenUsageReport:
    by_model: List[ModelTokenUsage] = field(default_factory=list)
    total_prompt_tokens: int = 0
    total_completion_tokens: int = 0
    total_tokens: int = 0


def _window(window: Optional[timedelta]) -> str:
    """The dashboard's window syntax (at most six digits): seconds, else minutes/hours/days rounded up."""
    if window is None:
        return "all"
    seconds = max(1, math.ceil(window.total_seconds()))
    for unit, size in (("s", 1), ("m", 60), ("h", 3600), ("d", 86400)):
        n = math.ceil(seconds / size)
        if n <= 999_999:
            return f"{n}{unit}"
    return "all"


def _number(v: Any) -> float:
    return float(v) if v is not None else math.nan


class DashboardMonitor:
    """track_generation, track_evaluation, record_metric, log_info/log_warning/log_error as GenerationMonitor has
    them, sent as typed events (the dashboard expands them exactly as afterimage does); get_metrics and
    get_total_token_usage are answered by the dashboard from what it stored.

    `clock` (for replays and tests) returns the time of a call: an aware datetime, or a naive one in local time
    as afterimage's datetime.now() gives. Calls only queue; they never raise and never wait on the network.
    """

    def __init__(self, url: str, run: str, api_key: Optional[str] = None, *, read_api_key: Optional[str] = None,
                 clock: Optional[Callable[[], datetime]] = None, **options: Any):
        self.transport = Transport(url, run, api_key, read_api_key=read_api_key, **options)
        self.run = run
        self._clock = clock or (lambda: datetime.now(timezone.utc))

    def _stamp(self) -> str:
        return to_utc_iso(self._clock())

    def set_goal(self, target: Optional[int] = None, **goal: Any) -> None:
        """The run's goal (target, target_kind, deadline, accept_score, accept_min, budget), sent with the next batch."""
        self.transport.set_goal(target, **goal)

    def track_generation(self, duration: float, success: bool, **kwargs: Any) -> None:
        try:
            stamp = self._stamp()
            event = {"type": "generation", "timestamp": stamp, "duration": json_safe(duration), "success": bool(success),
                     **json_safe(kwargs)}
            self.transport.submit(event, _expand.generation(duration, success, kwargs, stamp))
        except Exception as e:
            self.transport._report("monitor", f"DashboardMonitor.track_generation failed: {e!r}")

    def track_evaluation(self, duration: float, success: bool, evaluator_type: str, scores: Dict[str, Any], **kwargs: Any) -> None:
        try:
            stamp = self._stamp()
            event = {"type": "evaluation", "timestamp": stamp, "duration": json_safe(duration), "success": bool(success),
                     "evaluator_type": evaluator_type, "scores": json_safe(scores or {}), **json_safe(kwargs)}
            self.transport.submit(event, _expand.evaluation(duration, success, evaluator_type, scores, kwargs, stamp))
        except Exception as e:
            self.transport._report("monitor", f"DashboardMonitor.track_evaluation failed: {e!r}")

    def record_metric(self, metric_name: str, value: float, metadata: Optional[Dict[str, Any]] = None) -> None:
        try:
            meta = dict(metadata or {})
            stamp = to_utc_iso(meta.pop("timestamp")) if meta.get("timestamp") else self._stamp()
            meta.pop("timestamp", None)
            event = {"type": "metric", "timestamp": stamp, "name": metric_name, "value": json_safe(value),
                     "metadata": json_safe(meta)}
            line = {"metric": metric_name, "value": value, **meta, "timestamp": stamp}
            self.transport.submit(event, [line])
        except Exception as e:
            self.transport._report("monitor", f"DashboardMonitor.record_metric failed: {e!r}")

    def _log(self, level: str, message: str, data: Dict[str, Any]) -> None:
        try:
            event = {"type": "log", "level": level, "message": str(message)[:8000] or "(no message)", "timestamp": self._stamp()}
            if data:
                event["data"] = json_safe(data)
            self.transport.submit(event, [])
        except Exception as e:
            self.transport._report("monitor", f"DashboardMonitor.log_{level} failed: {e!r}")

    def log_info(self, message: str, **data: Any) -> None:
        self._log("info", message, data)

    def log_warning(self, message: str, **data: Any) -> None:
        self._log("warning", message, data)

    def log_error(self, message: str, error: Optional[BaseException] = None, **data: Any) -> None:
        if error is not None:
            data = {"error": str(error), "error_type": error.__class__.__name__, **data}
        self._log("error", message, data)

    def get_metrics(self, metric_name: str, window: Optional[timedelta] = timedelta(minutes=5)) -> Dict[str, float]:
        """{"mean", "min", "max", "count"} over the window (None: the whole run), after sending what is queued.
        NaN and infinities count as afterimage counts them (README: non-finite values). {} when unreachable."""
        self.transport.flush(10.0)
        try:
            s = self.transport.get_json(f"/api/v1/runs/{self.run}/stats", {"name": metric_name, "window": _window(window)})
        except Exception as e:
            if getattr(e, "code", None) == 404:
                return {"mean": 0.0, "min": 0.0, "max": 0.0, "count": 0}
            self.transport._report("read", f"DashboardMonitor could not read stats from {self.transport.url}: {e!r}")
            return {}
        if not s.get("count"):
            return {"mean": 0.0, "min": 0.0, "max": 0.0, "count": 0}
        return {"mean": _number(s["mean"]), "min": _number(s["min"]), "max": _number(s["max"]), "count": int(s["count"])}

    def get_total_token_usage(self, window: Optional[timedelta] = None) -> TokenUsageReport:
        """Token sums per model ("unknown" when none), as afterimage's get_total_token_usage."""
        self.transport.flush(10.0)
        try:
            t = self.transport.get_json(f"/api/v1/runs/{self.run}/tokens", {"window": _window(window)})
        except Exception as e:
            if getattr(e, "code", None) != 404:
                self.transport._report("read", f"DashboardMonitor could not read token usage from {self.transport.url}: {e!r}")
            return TokenUsageReport()
        return TokenUsageReport(
            by_model=[ModelTokenUsage(m["model_name"], int(m["prompt_tokens"]), int(m["completion_tokens"]), int(m["total_tokens"]))
                      for m in t.get("by_model", [])],
            total_prompt_tokens=int(t.get("total_prompt_tokens", 0)),
            total_completion_tokens=int(t.get("total_completion_tokens", 0)),
            total_tokens=int(t.get("total_tokens", 0)))

    def flush(self, timeout: float = 10.0) -> bool:
        return self.transport.flush(timeout)

    def shutdown(self, timeout: Optional[float] = None) -> None:
        """As GenerationMonitor.shutdown: delivers what is queued, then stops (also runs at interpreter exit)."""
        self.transport.close(timeout)
