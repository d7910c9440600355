"""The dashboard the tests talk to: DASHBOARD_URL (+ keys) from scripts/test.sh, or the built one started here."""
import atexit
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the package, without installing it
REPO = HERE.parents[2]
FIXTURES = REPO / "tests" / "fixtures"

_started = {}


def dashboard():
    """(url, ingest_key, viewer_key)."""
    if os.environ.get("DASHBOARD_URL"):
        return os.environ["DASHBOARD_URL"], os.environ.get("DASHBOARD_INGEST_KEY"), os.environ.get("DASHBOARD_VIEWER_KEY")
    if not _started:
        _start()
    return _started["url"], _started["ingest"], _started["viewer"]


def _start():
    dll = REPO / "src" / "Dashboard" / "bin" / "Debug" / "net10.0" / "Dashboard.dll"
    if not dll.exists():
        raise RuntimeError(f"Build the dashboard first (dotnet build Dashboard.sln): {dll} is missing")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    folder = tempfile.mkdtemp(prefix="dashboard-py-")
    ingest, viewer = "py-ingest-" + uuid.uuid4().hex, "py-viewer-" + uuid.uuid4().hex
    log = open(os.path.join(folder, "dashboard.log"), "w")
    process = subprocess.Popen(
        ["dotnet", str(dll), f"--Urls=http://127.0.0.1:{port}", f"--ConnectionStrings:Dashboard=Data Source={folder}/dashboard.db",
         f"--Auth:IngestKeys:0={ingest}", f"--Auth:ViewerKeys:0={viewer}", "--Auth:RateLimitPerSecond=0",
         "--Logging:LogLevel:Default=Warning"],
        cwd=str(dll.parent), stdout=log, stderr=subprocess.STDOUT)
    atexit.register(process.terminate)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The dashboard exited at start; see {folder}/dashboard.log")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as r:
                if r.status == 200:
                    _started.update(url=url, ingest=ingest, viewer=viewer)
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("The dashboard did not answer /healthz within 60s")


def new_run(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def get(path, query=None):
    url, _, viewer = dashboard()
    target = url + path + ("?" + urllib.parse.urlencode(query) if query else "")
    request = urllib.request.Request(target, headers={"Authorization": f"Bearer {viewer}"} if viewer else {})
    with urllib.request.urlopen(request, timeout=30) as r:
        return json.loads(r.read().decode("utf-8"))


def expected():
    with open(FIXTURES / "afterimage-calls.expected.json", encoding="utf-8") as f:
        return json.load(f)


def same_number(got, want):
    got, want = float(got), float(want)
    if math.isnan(want):
        return math.isnan(got)
    if math.isinf(want):
        return got == want
    return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)


def mismatches_with_afterimage(run, stats_of):
    """Every difference between afterimage's expected.json and what stats_of(name) / the token report say."""
    want = expected()
    problems = []
    for name, w in want["metrics"].items():
        got = stats_of(name)
        if int(got.get("count", -1)) != w["count"]:
            problems.append(f"{name} count {got.get('count')} != {w['count']}")
            continue
        for field in ("mean", "min", "max"):
            if not same_number(got[field], w[field]):
                problems.append(f"{name} {field} {got[field]} != {w[field]}")
    tokens = get(f"/api/v1/runs/{run}/tokens", {"window": "all"})
    got_models = [(m["model_name"], m["prompt_tokens"], m["completion_tokens"], m["total_tokens"]) for m in tokens["by_model"]]
    want_models = [(m["model_name"], m["prompt_tokens"], m["completion_tokens"], m["total_tokens"]) for m in want["token_usage"]["by_model"]]
    if got_models != want_models:
        problems.append(f"tokens {got_models} != {want_models}")
    return problems


def server_stats(run):
    def stats_of(name):
        s = get(f"/api/v1/runs/{run}/stats", {"name": name, "window": "all"})
        return {k: (float(s[k]) if s.get(k) is not None else None) for k in ("mean", "min", "max")} | {"count": s["count"]}
    return stats_of
