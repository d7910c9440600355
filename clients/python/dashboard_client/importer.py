"""Backfill: POST a metrics.jsonl (afterimage's, or a spill file) to /api/v1/runs/{run}/import."""
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

from ._http import RETRYABLE, _parse, _retry_after


def _chunks(path: Path, max_bytes: int) -> Iterator[bytes]:
    """Whole lines, at most max_bytes per request (the dashboard's Ingest:MaxBodyBytes is 5 MB by default)."""
    chunk = bytearray()
    with open(path, "rb") as f:
        for line in f:
            if chunk and len(chunk) + len(line) > max_bytes:
                yield bytes(chunk)
                chunk.clear()
            chunk += line
    if chunk:
        yield bytes(chunk)


def import_file(path: str, run: str, url: str, *, timezone: Optional[str] = None, api_key: Optional[str] = None,
                project: Optional[str] = None, max_bytes: int = 4 * 1024 * 1024, retries: int = 8,
                timeout: float = 60.0) -> Dict[str, Any]:
    """Imports the file; returns {"accepted", "duplicates", "points", "errors"}. Raises on a refused request."""
    query = {k: v for k, v in (("timezone", timezone), ("project", project)) if v}
    target = f"{url.rstrip('/')}/api/v1/runs/{urllib.parse.quote(run, safe='')}/import"
    if query:
        target += "?" + urllib.parse.urlencode(query)
    headers = {"Content-Type": "application/x-ndjson", "User-Agent": "dashboard-client-python/0.1"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    totals: Dict[str, Any] = {"accepted": 0, "duplicates": 0, "points": 0, "errors": []}
    for body in _chunks(Path(path), max_bytes):
        for attempt in range(retries + 1):
            request = urllib.request.Request(target, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    answer = _parse(response.read()) or {}
                break
            except urllib.error.HTTPError as e:
                answer = _parse(e.read())
                if e.code == 207:
                    break
                if e.code in RETRYABLE and attempt < retries:
                    time.sleep(_retry_after(e.headers.get("Retry-After")) or min(30.0, 0.5 * 2 ** attempt))
                    continue
                detail = answer.get("detail") if isinstance(answer, dict) else answer
                raise RuntimeError(f"The dashboard refused the import ({e.code}): {detail}") from None
            except (urllib.error.URLError, OSError) as e:
                if attempt < retries:
                    time.sleep(min(30.0, 0.5 * 2 ** attempt))
                    continue
                raise RuntimeError(f"The dashboard at {url} could not be reached: {e}") from None
        for key in ("accepted", "duplicates", "points"):
            totals[key] += int(answer.get(key, 0))
        totals["errors"].extend(answer.get("errors") or [])
    return totals


def main_import(args: Any) -> int:
    try:
        totals = import_file(args.file, args.run, args.url, timezone=args.timezone, api_key=args.api_key, project=args.project)
    except (RuntimeError, OSError) as e:
        print(f"error: {e}")
        return 1
    print(f"{totals['accepted']} stored, {totals['duplicates']} already there, {totals['points']} points, "
          f"{len(totals['errors'])} lines refused")
    for error in totals["errors"][:20]:
        print(f"  line {error.get('index', 0) + 1}: {error.get('message')}")
    print(json.dumps({k: v for k, v in totals.items() if k != "errors"}))
    return 0 if not totals["errors"] else 2
