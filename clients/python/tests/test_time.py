"""Naive local -> UTC, as afterimage's timestamps need, across daylight-saving changes."""
import os
import time
import unittest
from datetime import datetime, timedelta, timezone

from _server import HERE  # noqa: F401  (puts the package on sys.path)

from dashboard_client import to_utc_iso


class ToUtcTests(unittest.TestCase):
    def setUp(self):
        self._tz = os.environ.get("TZ")
        os.environ["TZ"] = "America/New_York"
        time.tzset()

    def tearDown(self):
        if self._tz is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = self._tz
        time.tzset()

    def test_naive_local_across_spring_forward_uses_each_sides_offset(self):
        self.assertEqual(to_utc_iso("2026-03-08T01:59:59.500000"), "2026-03-08T06:59:59.500000Z")  # EST
        self.assertEqual(to_utc_iso("2026-03-08T03:00:00"), "2026-03-08T07:00:00.000000Z")  # EDT

    def test_naive_local_repeated_hour_is_the_first_one(self):
        self.assertEqual(to_utc_iso(datetime(2026, 11, 1, 1, 30)), "2026-11-01T05:30:00.000000Z")

    def test_aware_and_explicit_zone_are_taken_as_given(self):
        self.assertEqual(to_utc_iso("2026-03-08T09:00:00+01:00"), "2026-03-08T08:00:00.000000Z")
        ist = timezone(timedelta(hours=5, minutes=30))
        self.assertEqual(to_utc_iso("2026-11-20T09:00:00", ist), "2026-11-20T03:30:00.000000Z")


if __name__ == "__main__":
    unittest.main()
