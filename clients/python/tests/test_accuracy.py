"""The recorded afterimage stream (tests/fixtures/afterimage-calls.*): through each Python path the dashboard's
stats and token report equal what afterimage itself answered (expected.json)."""
import json
import os
import time
import unittest
from datetime import datetime, timedelta

from _server import FIXTURES, dashboard, get, mismatches_with_afterimage, new_run, server_stats

from dashboard_client import DashboardMetricHandler, DashboardMonitor, import_file

ZONE = "America/New_York"  # where the stream was recorded (see tests/fixtures/README.md)
_saved_tz = None


def setUpModule():
    # afterimage's naive timestamps are local wall time: replay in the zone they were recorded in.
    global _saved_tz
    _saved_tz = os.environ.get("TZ")
    os.environ["TZ"] = ZONE
    time.tzset()


def tearDownModule():
    if _saved_tz is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = _saved_tz
    time.tzset()


def metric_lines():
    with open(FIXTURES / "afterimage-calls.metrics.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def number(v):
    return float(v) if isinstance(v, str) and v in ("NaN", "Infinity", "-Infinity") else v


def recorded_calls():
    """afterimage-calls.jsonl with its JSON encodings undone (README): non-finite strings, the error object."""
    with open(FIXTURES / "afterimage-calls.jsonl", encoding="utf-8") as f:
        for line in f:
            call = json.loads(line)
            kw = call["kwargs"]
            for key in ("duration", "value"):
                if key in kw:
                    kw[key] = number(kw[key])
            if "scores" in kw:
                kw["scores"] = {k: ({**v, "score": number(v.get("score"))} if isinstance(v, dict) else number(v))
                                for k, v in kw["scores"].items()}
            if isinstance(kw.get("error"), dict) and call["call"] == "log_error":
                kw["error"] = type(kw["error"]["type"], (Exception,), {})(kw["error"]["message"])
            yield call["call"], datetime.fromisoformat(call["at"]), kw


class AccuracyTests(unittest.TestCase):
    def setUp(self):
        self.url, self.ingest, self.viewer = dashboard()

    def test_metric_handler_recorded_stream_equals_afterimage(self):
        run = new_run("py-handler")
        handler = DashboardMetricHandler(self.url, run=run, api_key=self.ingest, batch_size=500)

        # Exactly what afterimage's metric worker handed its handlers: the file handler wrote these lines.
        for line in metric_lines():
            name, value = line.pop("metric"), line.pop("value")
            handler.handle_metric(name, value, line)
        handler.close()

        self.assertEqual(handler.transport.spilled, 0)
        self.assertEqual(mismatches_with_afterimage(run, server_stats(run)), [])

    def test_dashboard_monitor_recorded_calls_equal_afterimage(self):
        run = new_run("py-monitor")
        now = {"at": None}
        monitor = DashboardMonitor(self.url, run, self.ingest, read_api_key=self.viewer, clock=lambda: now["at"], batch_size=300)

        for call, at, kwargs in recorded_calls():
            now["at"] = at  # the naive local time afterimage stamped
            getattr(monitor, call)(**kwargs)

        window = timedelta(days=3650)  # as expected.json was taken: the whole run
        problems = mismatches_with_afterimage(run, lambda name: monitor.get_metrics(name, window))
        report = monitor.get_total_token_usage()
        monitor.shutdown()
        self.assertEqual(problems, [])
        want = json.load(open(FIXTURES / "afterimage-calls.expected.json", encoding="utf-8"))["token_usage"]
        self.assertEqual(report.total_tokens, want["total_tokens"])
        self.assertEqual([m.model_name for m in report.by_model], [m["model_name"] for m in want["by_model"]])
        self.assertEqual(monitor.transport.spilled, 0)

    def test_import_recorded_file_with_its_time_zone_equals_afterimage(self):
        run = new_run("py-import")

        totals = import_file(str(FIXTURES / "afterimage-calls.metrics.jsonl"), run, self.url, timezone=ZONE, api_key=self.ingest)

        self.assertEqual((totals["accepted"], totals["errors"]), (1355, []))
        self.assertEqual(mismatches_with_afterimage(run, server_stats(run)), [])

    def test_backfill_after_live_stream_stores_nothing_twice(self):
        run = new_run("py-backfill")
        handler = DashboardMetricHandler(self.url, run=run, api_key=self.ingest, batch_size=500)
        for line in metric_lines():
            name, value = line.pop("metric"), line.pop("value")
            handler.handle_metric(name, value, line)
        handler.close()

        totals = import_file(str(FIXTURES / "afterimage-calls.metrics.jsonl"), run, self.url, timezone=ZONE, api_key=self.ingest)

        self.assertEqual((totals["accepted"], totals["duplicates"]), (0, 1355))
        self.assertEqual(get(f"/api/v1/runs/{run}/stats", {"name": "generation_time", "window": "all"})["count"], 184)


if __name__ == "__main__":
    unittest.main()
