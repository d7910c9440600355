"""Drop-in handlers for afterimage's GenerationMonitor: metrics, logs and alerts go to the dashboard."""
import math
from datetime import datetime, timezone
from typing import Any, Dict, Optional

from ._time import json_safe, to_utc_iso
from ._transport import Transport

# afterimage's alert names -> the metric each one watches.
ALERT_METRICS = {
    "low_success_rate": "success_rate",
    "high_generation_time": "generation_time",
    "high_error_rate": "error_rate",
    "high_token_usage:prompt": "prompt_token_count",
    "high_token_usage:completion": "completion_token_count",
    "high_token_usage:total": "total_token_count",
    "long_conversations": "conversation_length",
}


def _transport(transport: Optional[Transport], url: Optional[str], run: Optional[str], api_key: Optional[str],
               options: Dict[str, Any]) -> Transport:
    if transport is not None:
        return transport
    if not url or not run:
        raise ValueError("give url= and run= (or transport= of another handler)")
    return Transport(url, run, api_key, **options)


class DashboardMetricHandler:
    """afterimage's MetricHandler: `GenerationMonitor(metric_handlers=[DashboardMetricHandler(url, run=..., api_key=...)])`.

    Every metric keeps afterimage's name, value and metadata (model_name becomes the point's model); the naive
    local timestamp afterimage puts in metadata is converted to UTC (daylight saving included). Sending happens
    on a background thread; handle_metric only queues and never raises.
    """

    def __init__(self, url: Optional[str] = None, run: Optional[str] = None, api_key: Optional[str] = None, *,
                 transport: Optional[Transport] = None, time_zone=None, **options: Any):
        self.transport = _transport(transport, url, run, api_key, options)
        self.time_zone = time_zone  # a tzinfo for afterimage's naive times; None: this process's local zone

    def handle_metric(self, metric_name: str, value: float, metadata: Dict[str, Any]) -> None:
        try:
            meta = dict(metadata or {})
            stamp = to_utc_iso(meta.pop("timestamp", None), self.time_zone)
            event = {"type": "metric", "name": metric_name, "value": json_safe(value), "timestamp": stamp,
                     "metadata": json_safe(meta)}
            # The spill line is what afterimage's FileMetricHandler writes, with the time already in UTC.
            line = {"metric": metric_name, "value": value, **meta, "timestamp": stamp}
            self.transport.submit(event, [line])
        except Exception as e:
            self.transport._report("handler", f"DashboardMetricHandler could not send {metric_name!r}: {e!r}")

    def flush(self, timeout: float = 10.0) -> bool:
        return self.transport.flush(timeout)

    def close(self, timeout: Optional[float] = None) -> None:
        self.transport.close(timeout)


class DashboardLogHandler:
    """afterimage's LogHandler: its log dicts become the run's log lines (info, warning, error)."""

    def __init__(self, url: Optional[str] = None, run: Optional[str] = None, api_key: Optional[str] = None, *,
                 transport: Optional[Transport] = None, **options: Any):
        self.transport = _transport(transport, url, run, api_key, options)

    def handle_log(self, message: Dict[str, Any]) -> None:
        try:
            data = dict(message or {})
            level = str(data.pop("level", "info")).lower()
            text = str(data.pop("message", ""))[:8000] or "(no message)"
            event = {"type": "log", "level": level if level in ("info", "warning", "error") else "info",
                     "message": text, "timestamp": to_utc_iso(None)}
            if data:
                event["data"] = json_safe(data)
            self.transport.submit(event, [])
        except Exception as e:
            self.transport._report("handler", f"DashboardLogHandler could not send a log line: {e!r}")


class DashboardAlertHandler:
    """A callable for `GenerationMonitor(alert_handlers=[...])`: each afterimage Alert becomes a dashboard alert."""

    def __init__(self, url: Optional[str] = None, run: Optional[str] = None, api_key: Optional[str] = None, *,
                 transport: Optional[Transport] = None, **options: Any):
        self.transport = _transport(transport, url, run, api_key, options)

    def __call__(self, alert: Any) -> None:
        try:
            data = getattr(alert, "data", None) or {}
            level = str(getattr(alert, "level", "warning")).lower()
            payload = {
                "message": str(getattr(alert, "message", "afterimage alert"))[:2000] or "afterimage alert",
                "severity": level if level in ("info", "warning", "error", "critical") else "warning",
                "run": self.transport.run,
                "metadata": {"alert": getattr(alert, "name", None), "data": json_safe(data),
                             "timestamp": to_utc_iso(getattr(alert, "timestamp", None) or datetime.now(timezone.utc))},
            }
            metric = ALERT_METRICS.get(getattr(alert, "name", ""))
            if metric:
                payload["metric_name"] = metric
            mean = data.get("mean") if isinstance(data, dict) else None
            if isinstance(mean, (int, float)) and not isinstance(mean, bool) and math.isfinite(mean):
                payload["metric_value"] = mean
            self.transport.submit_alert(payload)
        except Exception as e:
            self.transport._report("handler", f"DashboardAlertHandler could not forward an alert: {e!r}")
