"""Background delivery: batching, retries honouring Retry-After, a bounded buffer, spill to metrics.jsonl.

The generator's thread only appends to a deque under a lock; one daemon thread does all network work.
Nothing here raises into the caller: failures are reported once (logging + a DashboardWarning).
"""
import atexit
import collections
import json
import logging
import random
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from pathlib import Path
from typing import Any, Deque, Dict, List, Optional, Tuple

from ._http import RETRYABLE, _parse, _retry_after
from ._time import to_utc_iso

logger = logging.getLogger("dashboard_client")



class DashboardWarning(UserWarning):
    """Shown once per kind of failure (unreachable dashboard, refused key, rejected data, spill)."""


class Transport:
    def __init__(self, url: str, run: str, api_key: Optional[str] = None, *, project: Optional[str] = None,
                 batch_size: int = 200, flush_interval: float = 1.0, max_buffer: int = 10_000,
                 spill_path: Optional[str] = None, give_up_after: float = 30.0, timeout: float = 10.0,
                 read_api_key: Optional[str] = None, close_timeout: float = 10.0,
                 run_goal: Optional[Dict[str, Any]] = None):
        self.url = url.rstrip("/")
        # Sent as the batch's run_goal until a batch carrying it is accepted (the dashboard keeps the last one it got).
        self._goal: Optional[Dict[str, Any]] = None
        if run_goal:
            self.set_goal(**run_goal)
        self.run = run
        self.project = project
        self.api_key = api_key
        self.read_api_key = read_api_key or api_key
        self.batch_size = max(1, batch_size)
        self.flush_interval = flush_interval
        self.max_buffer = max(1, max_buffer)
        self.spill_path = Path(spill_path) if spill_path else Path("dashboard_spill") / run / "metrics.jsonl"
        self.give_up_after = give_up_after
        self.timeout = timeout
        self.close_timeout = close_timeout
        self.spilled = 0
        self.sent_events = 0
        self._buffer: Deque[Tuple[Dict[str, Any], List[Dict[str, Any]]]] = collections.deque()
        self._alerts: Deque[Dict[str, Any]] = collections.deque()
        self._cond = threading.Condition()
        self._inflight = 0
        self._first_at = 0.0
        self._held: List[Tuple[Dict[str, Any], List[Dict[str, Any]]]] = []
        self._flush_requested = False
        self._closing = False
        self._closed = False
        self._down_until = 0.0  # while the dashboard is known down, batches spill without waiting
        self._reported: set = set()
        self._spill_lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name="dashboard-client", daemon=True)
        self._thread.start()
        # afterimage has no close hook: flush what is left when the interpreter exits.
        atexit.register(self.close)

    # ---- caller side: never blocks for long, never raises ----

    def set_goal(self, target: Optional[int] = None, *, target_kind: Optional[str] = None, deadline: Any = None,
                 accept_score: Optional[str] = None, accept_min: Optional[float] = None, budget: Optional[float] = None) -> None:
        """The run's goal, sent with the next batch: a target (samples, or accepted samples with target_kind="accepted"
        and accept_score), a deadline (aware datetime or ISO-8601), the run's acceptance threshold and a budget."""
        goal = {"target": target, "target_kind": target_kind, "accept_score": accept_score, "accept_min": accept_min, "budget": budget,
                "deadline": None if deadline is None else (deadline if isinstance(deadline, str) else to_utc_iso(deadline))}
        self._goal = {k: v for k, v in goal.items() if v is not None}

    def submit(self, event: Dict[str, Any], spill_lines: List[Dict[str, Any]]) -> None:
        try:
            with self._cond:
                if self._closed:
                    self._spill([(event, spill_lines)], "the client was already closed")
                    return
                if len(self._buffer) >= self.max_buffer:
                    overflow = True
                else:
                    overflow = False
                    self._buffer.append((event, spill_lines))
                    if len(self._buffer) == 1:
                        self._first_at = time.monotonic()  # the batch's interval starts with its first event
                        self._cond.notify_all()
                    elif len(self._buffer) >= self.batch_size:
                        self._cond.notify_all()
            if overflow:
                self._spill([(event, spill_lines)], f"the buffer of {self.max_buffer} events is full")
        except Exception as e:  # never into the generator
            self._report("internal", f"dashboard_client could not queue an event: {e!r}")

    def submit_alert(self, payload: Dict[str, Any]) -> None:
        with self._cond:
            self._alerts.append(payload)
            self._cond.notify_all()

    def flush(self, timeout: float = 10.0) -> bool:
        """Waits until everything queued so far was delivered or spilled; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            self._flush_requested = True
            self._cond.notify_all()
            while self._buffer or self._alerts or self._inflight:
                left = deadline - time.monotonic()
                if left <= 0 or not self._thread.is_alive():
                    return False
                self._cond.wait(min(left, 0.1))
            self._flush_requested = False
            return True

    def close(self, timeout: Optional[float] = None) -> None:
        """Delivers what is queued (up to `timeout` seconds), spills the rest, stops the thread. Idempotent."""
        if self._closed:
            return
        timeout = self.close_timeout if timeout is None else timeout
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._thread.join(timeout)
        with self._cond:
            self._closed = True
            # A batch the thread still holds (retrying) is spilled here; the thread will not spill it again.
            rest = (self._held if self._thread.is_alive() else []) + list(self._buffer)
            self._held = []
            self._buffer.clear()
            self._alerts.clear()
            self._cond.notify_all()
        if rest:
            self._spill(rest, f"the dashboard did not take them within {timeout:g}s of shutdown")
        try:
            atexit.unregister(self.close)
        except Exception:
            pass

    # ---- reads (DashboardMonitor.get_metrics / get_total_token_usage) ----

    def get_json(self, path: str, query: Dict[str, str]) -> Any:
        url = f"{self.url}{path}?{urllib.parse.urlencode(query)}"
        request = urllib.request.Request(url, headers=self._headers(self.read_api_key))
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return json.loads(response.read().decode("utf-8"))

    # ---- the delivery thread ----

    def _loop(self) -> None:
        while True:
            with self._cond:
                while True:
                    waited = time.monotonic() - self._first_at
                    ready = len(self._buffer) >= self.batch_size or self._alerts or self._closing or (
                        self._buffer and (self._flush_requested or waited >= self.flush_interval))
                    if ready:
                        break
                    self._cond.wait(max(0.01, self.flush_interval - waited) if self._buffer else None)
                if self._closing and not self._buffer and not self._alerts:
                    return
                alerts = list(self._alerts)
                self._alerts.clear()
                batch = [self._buffer.popleft() for _ in range(min(self.batch_size, len(self._buffer)))]
                self._held = batch
                self._first_at = time.monotonic()
                self._inflight = len(batch) + len(alerts)
            try:
                for alert in alerts:
                    self._send_alert(alert)
                if batch:
                    self._send_batch(batch)
            except Exception as e:
                self._report("internal", f"dashboard_client delivery failed: {e!r}")
                self._spill(batch, "of an unexpected error")
            finally:
                with self._cond:
                    self._inflight = 0
                    self._held = []
                    self._cond.notify_all()

    def _send_batch(self, batch: List[Tuple[Dict[str, Any], List[Dict[str, Any]]]]) -> None:
        body = {"run": self.run, "events": [event for event, _ in batch]}
        if self.project:
            body["project"] = self.project
        goal = self._goal
        if goal is not None:
            body["run_goal"] = goal
        status, payload = self._post_with_retry("/api/v1/ingest", body)
        if status in (200, 207):
            if goal is not None and self._goal is goal:
                self._goal = None
            self.sent_events += len(batch)
            self._down_until = 0.0
            if isinstance(payload, dict):
                if status == 207:
                    errors = payload.get("errors") or []
                    first = errors[0] if errors else {}
                    self._report("rejected-events", f"The dashboard refused {len(errors)} event(s) of a batch, e.g. "
                                 f"{first.get('pointer')}: {first.get('message')}")
                ignored = payload.get("ignored_fields")
                if ignored:
                    self._report("ignored:" + ",".join(ignored), "The dashboard kept these fields as metadata, not "
                                 f"as metrics (the event type does not define them): {', '.join(ignored)}")
            return
        if status in (401, 403):
            self._report("auth", f"The dashboard at {self.url} refused the API key ({status}); "
                         f"events are kept in {self.spill_path}")
            self._spill(batch, f"the dashboard answered {status}")
            return
        if status is None or status in RETRYABLE:
            self._spill(batch, "the dashboard stayed unreachable" if status is None else f"the dashboard kept answering {status}")
            return
        detail = payload.get("detail") if isinstance(payload, dict) else payload
        self._report(f"status-{status}", f"The dashboard rejected a batch of {len(batch)} event(s) ({status}): {detail}")

    def _send_alert(self, alert: Dict[str, Any]) -> None:
        status, payload = self._post_with_retry("/api/v1/alerts", alert)
        if status not in (200, 201, 202):
            self._report(f"alert-{status}", f"An afterimage alert could not be forwarded to the dashboard ({status}): {payload}")

    def _post_with_retry(self, path: str, body: Dict[str, Any]) -> Tuple[Optional[int], Any]:
        """(status, parsed body); status None when the dashboard could not be reached at all."""
        data = json.dumps(body, allow_nan=False).encode("utf-8")
        if time.monotonic() < self._down_until and not self._closing:
            return None, None  # known down: spill at once rather than hold the queue
        deadline = time.monotonic() + self.give_up_after
        attempt = 0
        while True:
            status, payload, retry_after = self._post(path, data)
            if status is not None and status not in RETRYABLE:
                return status, payload
            delay = retry_after if retry_after is not None else min(30.0, 0.25 * (2 ** attempt)) * (0.5 + random.random() / 2)
            attempt += 1
            if attempt == 1:
                reason = "unreachable" if status is None else f"answering {status}"
                logger.info("Dashboard %s; retrying in %.1fs", reason, delay)
            if time.monotonic() + delay > deadline or (self._closing and attempt > 2):
                self._down_until = time.monotonic() + min(30.0, self.give_up_after)
                self._report("down", f"The dashboard at {self.url} is unreachable or overloaded "
                             f"({'no answer' if status is None else status}); events go to {self.spill_path} until it is back. "
                             f"Replay with: python -m dashboard_client import {self.spill_path} --run {self.run} --url {self.url}")
                return status, payload
            time.sleep(delay)

    def _post(self, path: str, data: bytes) -> Tuple[Optional[int], Any, Optional[float]]:
        headers = self._headers(self.api_key)
        headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, _parse(response.read()), None
        except urllib.error.HTTPError as e:
            body = _parse(e.read())
            return e.code, body, _retry_after(e.headers.get("Retry-After"))
        except (urllib.error.URLError, OSError, ValueError):
            return None, None, None

    def _headers(self, key: Optional[str]) -> Dict[str, str]:
        headers = {"User-Agent": "dashboard-client-python/0.1", "Accept": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return headers

    # ---- spill and reports ----

    def _spill(self, items: List[Tuple[Dict[str, Any], List[Dict[str, Any]]]], why: str) -> None:
        if threading.current_thread() is self._thread:
            # The delivery thread spills only the batch it holds, and close() may take that batch to spill it: whoever
            # takes it under the lock spills it, so a batch is never written twice (close() could read it while this
            # thread was already writing it).
            with self._cond:
                if self._held is not items:
                    return  # close() took it
                self._held = []
        lines = [line for _, spill in items for line in spill]
        dropped = sum(1 for _, spill in items if not spill)
        try:
            if lines:
                with self._spill_lock:
                    self.spill_path.parent.mkdir(parents=True, exist_ok=True)
                    with open(self.spill_path, "a", encoding="utf-8") as f:
                        for line in lines:
                            # afterimage's own format (bare NaN tokens included), so the import reads it as is.
                            f.write(json.dumps(line, default=str) + "\n")
                    self.spilled += len(lines)
                self._report("spill", f"{len(lines)} point(s) were written to {self.spill_path} because {why}; replay with: "
                             f"python -m dashboard_client import {self.spill_path} --run {self.run} --url {self.url}")
            if dropped:
                self._report("dropped-logs", f"{dropped} log line(s)/event(s) without points were dropped because {why}")
        except Exception as e:
            self._report("spill-failed", f"dashboard_client could not write {self.spill_path}: {e!r}; {len(lines)} point(s) lost")

    def _report(self, kind: str, message: str) -> None:
        """Once per kind: to logging and as a warning the user sees."""
        if kind in self._reported:
            logger.debug(message)
            return
        self._reported.add(kind)
        logger.warning(message)
        try:
            warnings.warn(message, DashboardWarning, stacklevel=2)
        except Exception:
            pass
