"""Delivery: retry honouring Retry-After, spill when the dashboard stays down (replayable without duplicates),
a bounded buffer that never blocks the caller, failures reported once."""
import http.server
import json
import socket
import tempfile
import threading
import time
import unittest
import warnings
from datetime import datetime, timezone
from pathlib import Path

from _server import dashboard, get, new_run

from dashboard_client import DashboardMetricHandler, DashboardMonitor, DashboardWarning, import_file


def closed_port_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


class FakeDashboard:
    """Answers POSTs from a script of (status, headers) and records when each arrived."""

    def __init__(self, script):
        self.script, self.arrivals, self.bodies = list(script), [], []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.arrivals.append(time.monotonic())
                outer.bodies.append(json.loads(body))
                status, headers = outer.script.pop(0) if outer.script else (200, {})
                payload = json.dumps({"accepted": 1, "duplicates": 0, "points": 1}).encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def stamp(second):
    return datetime(2026, 3, 8, 7, 0, second, tzinfo=timezone.utc).isoformat()


class DeliveryTests(unittest.TestCase):
    def setUp(self):
        self.url, self.ingest, self.viewer = dashboard()
        self.folder = Path(tempfile.mkdtemp(prefix="dashboard-spill-"))

    def test_429_with_retry_after_waits_that_long_then_delivers(self):
        fake = FakeDashboard([(429, {"Retry-After": "1"}), (503, {"Retry-After": "0"})])
        handler = DashboardMetricHandler(fake.url, run="r", batch_size=1, give_up_after=10, spill_path=str(self.folder / "s.jsonl"))

        handler.handle_metric("m", 1.0, {"timestamp": stamp(0)})
        handler.close(timeout=10)
        fake.close()

        self.assertEqual(len(fake.arrivals), 3)
        self.assertGreaterEqual(fake.arrivals[1] - fake.arrivals[0], 0.95)
        self.assertEqual(handler.transport.spilled, 0)
        self.assertEqual(fake.bodies[-1]["events"][0]["timestamp"], "2026-03-08T07:00:00.000000Z")

    def test_dashboard_down_spills_then_replay_and_live_resend_store_each_point_once(self):
        run, spill = new_run("py-spill"), self.folder / "metrics.jsonl"
        points = [("generation_time", 1.5 + i, {"timestamp": stamp(i), "model_name": "org/模型"}) for i in range(5)]
        points.append(("evaluation_score_overall", float("nan"), {"timestamp": stamp(9), "feedback": 'a "b"\nc'}))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            down = DashboardMetricHandler(closed_port_url(), run=run, batch_size=2, give_up_after=0.3, spill_path=str(spill))
            for name, value, meta in points:
                down.handle_metric(name, value, dict(meta))
            down.close(timeout=10)

        self.assertEqual(len(spill.read_text(encoding="utf-8").splitlines()), 6)
        reported = [str(w.message) for w in caught if issubclass(w.category, DashboardWarning) and "is unreachable or overloaded" in str(w.message)]
        self.assertEqual(len(reported), 1, "reported once, not once per batch")
        first = import_file(str(spill), run, self.url, api_key=self.ingest)
        live = DashboardMetricHandler(self.url, run=run, api_key=self.ingest)
        for name, value, meta in points:
            live.handle_metric(name, value, dict(meta))
        live.close()
        self.assertEqual((first["accepted"], first["errors"]), (6, []))
        self.assertEqual(get(f"/api/v1/runs/{run}/stats", {"name": "generation_time", "window": "all"})["count"], 5)
        nan = get(f"/api/v1/runs/{run}/stats", {"name": "evaluation_score_overall", "window": "all"})
        self.assertEqual((nan["count"], nan["non_finite_count"], nan["mean"]), (1, 1, "NaN"))

    def test_monitor_spill_replays_as_the_typed_events_would_have_been_stored(self):
        run, spill = new_run("py-monitor-spill"), self.folder / "monitor.jsonl"
        clock = lambda: datetime(2026, 3, 8, 7, 30, tzinfo=timezone.utc)  # noqa: E731

        def calls(monitor):
            monitor.track_generation(2.0, True, model_name=None, finish_reason="STOP", prompt_token_count=10, turns=3, temperature=0.7)
            monitor.track_generation(1.0, False, error="429", model_name="org/m")
            monitor.track_evaluation(0.5, True, "judge", {"overall": float("nan"), "fit": {"score": 4, "feedback": "ok"}},
                                     model_name="j", prompt_token_count=7, error=None)
            monitor.record_metric("cache_hit", True, {"stage": "r"})

        down = DashboardMonitor(closed_port_url(), run, clock=clock, give_up_after=0.2, spill_path=str(spill))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            calls(down)
            down.shutdown(timeout=10)
        replay = import_file(str(spill), run, self.url, api_key=self.ingest)
        live = DashboardMonitor(self.url, run, self.ingest, read_api_key=self.viewer, clock=clock)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            calls(live)
            live.flush()

        self.assertEqual((replay["accepted"], replay["errors"]), (15, []))
        names = ["generation_time", "success_rate", "model_usage:None", "finish_reason:STOP", "prompt_token_count", "error_rate",
                 "model_usage:org/m", "evaluation_time", "evaluation_score_overall", "evaluation_score_fit",
                 "evaluation_error_rate", "cache_hit"]
        counts = {n: live.get_metrics(n, None)["count"] for n in names}
        live.shutdown()
        self.assertEqual(counts, {**{n: 1 for n in names}, "generation_time": 2, "success_rate": 2, "prompt_token_count": 2})

    def test_full_buffer_spills_at_once_and_never_blocks_the_caller(self):
        spill = self.folder / "full.jsonl"
        handler = DashboardMetricHandler(closed_port_url(), run="r", batch_size=1, max_buffer=2, give_up_after=5, spill_path=str(spill))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            started = time.monotonic()
            for i in range(50):
                handler.handle_metric("m", i, {"timestamp": stamp(i % 60)})
            took = time.monotonic() - started
            handler.handle_metric("m", object(), None)  # unserializable: still never raises
            spilled_at_once = handler.transport.spilled
            handler.close(timeout=0.5)

        self.assertLess(took, 0.5)
        self.assertGreaterEqual(spilled_at_once, 45)
        self.assertEqual(len(spill.read_text(encoding="utf-8").splitlines()), 51)

    def test_close_while_the_thread_spills_its_batch_writes_it_once(self):
        # The delivery thread gives up on its batch and spills it while close() runs: exactly one of them writes it.
        # (close() used to spill the batch the thread held while the thread was already writing it: 52 lines of 51.)
        spill = self.folder / "race.jsonl"
        handler = DashboardMetricHandler(closed_port_url(), run="r", batch_size=1, max_buffer=10, give_up_after=0.01,
                                         spill_path=str(spill))
        transport = handler.transport
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            transport._spill_lock.acquire()  # the thread's spill waits here, holding its batch
            try:
                handler.handle_metric("m", 1, {"timestamp": stamp(1)})
                deadline = time.monotonic() + 5
                while (transport._buffer or not transport._inflight) and time.monotonic() < deadline:
                    time.sleep(0.01)
                time.sleep(0.3)
                closer = threading.Thread(target=handler.close, kwargs={"timeout": 0.05})
                closer.start()
                closer.join(0.3)
            finally:
                transport._spill_lock.release()
            closer.join(5)
            transport._thread.join(5)  # the thread writes what it took once the lock is free

        self.assertEqual(len(spill.read_text(encoding="utf-8").splitlines()), 1)

    def test_refused_key_is_reported_once_through_logging_and_spilled(self):
        spill = self.folder / "auth.jsonl"
        handler = DashboardMetricHandler(self.url, run=new_run("py-auth"), api_key="not-a-key-000000000000000", batch_size=1,
                                         spill_path=str(spill))
        with self.assertLogs("dashboard_client", "WARNING") as logs, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for i in range(3):
                handler.handle_metric("m", i, {"timestamp": stamp(i)})
            handler.close()

        self.assertEqual(sum("refused the API key" in m for m in logs.output), 1)
        self.assertEqual(len(spill.read_text(encoding="utf-8").splitlines()), 3)


if __name__ == "__main__":
    unittest.main()
