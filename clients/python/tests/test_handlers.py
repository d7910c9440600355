"""afterimage's log and alert hooks: log dicts become the run's log lines, Alerts become dashboard alerts."""
import unittest
import warnings
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict

from _server import dashboard, get, new_run

from dashboard_client import DashboardAlertHandler, DashboardLogHandler, DashboardMetricHandler


@dataclass
class Alert:  # afterimage.monitoring.Alert's fields
    name: str
    message: str
    level: str
    timestamp: datetime
    data: Dict[str, Any]


class HandlerTests(unittest.TestCase):
    def setUp(self):
        self.url, self.ingest, self.viewer = dashboard()

    def test_log_and_alert_handlers_share_the_metric_handlers_connection(self):
        run = new_run("py-hooks")
        metrics = DashboardMetricHandler(self.url, run=run, api_key=self.ingest)
        logs = DashboardLogHandler(transport=metrics.transport)
        alerts = DashboardAlertHandler(transport=metrics.transport)

        with warnings.catch_warnings():
            warnings.simplefilter("error")  # nothing to report: a warning would fail the test
            metrics.handle_metric("success_rate", 0.0, {"timestamp": "2026-03-08T01:59:00"})
            metrics.flush()
            logs.handle_log({"message": "Generation metrics", "data": {"duration": float("nan"), "model_name": "org/m"}, "level": "info"})
            logs.handle_log({"message": 'Judge said "no"\nretrying', "error": "timeout", "level": "error"})
            alerts(Alert("low_success_rate", "Success rate dropped to 0.0%", "warning", datetime(2026, 3, 8, 1, 59),
                         {"mean": 0.0, "min": 0.0, "max": 0.0, "count": 1}))
            metrics.close()

        lines = get(f"/api/v1/runs/{run}/logs")
        self.assertEqual(sorted((l["level"], l["message"]) for l in lines),
                         [("error", 'Judge said "no"\nretrying'), ("info", "Generation metrics")])
        raised = [a for a in get("/api/v1/alerts", {"run": run}) if a.get("run") == run]
        self.assertEqual([(a["message"], a["severity"], a.get("rule")) for a in raised],
                         [("Success rate dropped to 0.0%", "warning", "external:success_rate")])


if __name__ == "__main__":
    unittest.main()
