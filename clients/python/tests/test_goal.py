"""run_goal and cached_token_count (issue 16): the goal travels with a batch until one is accepted; cached tokens are priced."""
import tempfile
import unittest
from datetime import datetime, timezone
from pathlib import Path

from _server import dashboard, get, new_run
from test_delivery import FakeDashboard

from dashboard_client import DashboardMonitor


class GoalTests(unittest.TestCase):
    def setUp(self):
        self.url, self.ingest, self.viewer = dashboard()
        self.folder = Path(tempfile.mkdtemp(prefix="dashboard-goal-"))

    def test_goal_sent_with_first_accepted_batch_only_deadline_as_utc(self):
        fake = FakeDashboard([(503, {"Retry-After": "0"})])
        monitor = DashboardMonitor(fake.url, "r", batch_size=1, give_up_after=10, spill_path=str(self.folder / "s.jsonl"))
        monitor.set_goal(100, deadline=datetime(2030, 1, 1, tzinfo=timezone.utc), budget=5.0)

        monitor.track_generation(1.0, True)
        monitor.flush(timeout=10)
        monitor.track_generation(1.0, True)
        monitor.shutdown(timeout=10)
        fake.close()

        goals = [b.get("run_goal") for b in fake.bodies]
        self.assertEqual(len(goals), 3, "refused, retried, then the second batch")
        self.assertEqual(goals[0], goals[1])
        self.assertEqual(goals[1], {"target": 100, "deadline": "2030-01-01T00:00:00.000000Z", "budget": 5.0})
        self.assertIsNone(goals[2], "an accepted goal is not sent again")

    def test_goal_and_cached_tokens_reach_the_dashboard(self):
        run = new_run("py-goal")
        monitor = DashboardMonitor(self.url, run, self.ingest, read_api_key=self.viewer, batch_size=10,
                                   run_goal={"target": 4, "target_kind": "samples"})
        for _ in range(2):
            monitor.track_generation(1.0, True, model_name="py-cached-model", prompt_token_count=1000,
                                     completion_token_count=10, cached_token_count=600)
        self.assertTrue(monitor.flush(timeout=20))
        monitor.shutdown(timeout=10)

        goal = get(f"/api/v1/runs/{run}/goal")
        self.assertEqual(goal["target"], 4)
        self.assertEqual(goal["done"], 2)
        self.assertEqual(goal["fraction"], 0.5)
        tokens = get(f"/api/v1/runs/{run}/cost")["models"]
        self.assertEqual([(m["model"], m["cached_tokens"], m["prompt_tokens"]) for m in tokens], [("py-cached-model", 1200, 2000)])


if __name__ == "__main__":
    unittest.main()
