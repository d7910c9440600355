"""afterimage's log and alert hooks: log dicts become the run's log lines, Alerts become dashboard alerts."""
import subprocess
import sys
import textwrap
import unittest
import warnings
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict

from _server import HERE, dashboard, get, new_run

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

    def test_interpreter_exit_without_close_still_delivers_what_was_queued(self):
        run = new_run("py-atexit")
        script = textwrap.dedent(f"""
            import sys
            sys.path.insert(0, {str(HERE.parent)!r})
            from dashboard_client import DashboardMetricHandler
            handler = DashboardMetricHandler({self.url!r}, run={run!r}, api_key={self.ingest!r}, flush_interval=60)
            for i in range(3):
                handler.handle_metric("generation_time", 1.0 + i, {{"timestamp": "2026-03-08T07:00:0{{}}".format(i)}})
            # no close(), no flush(): afterimage has no close hook; the interval (60 s) has not passed
            """)

        done = subprocess.run([sys.executable, "-c", script], timeout=60)

        self.assertEqual(done.returncode, 0)
        self.assertEqual(get(f"/api/v1/runs/{run}/stats", {"name": "generation_time", "window": "all"})["count"], 3)


if __name__ == "__main__":
    unittest.main()
