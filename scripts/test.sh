#!/usr/bin/env bash
# Runs every test of the repo on a fresh machine: installs what is missing (Debian's Chromium for
# the browser tests, Prometheus and Alertmanager, PostgreSQL 15, the npm packages), runs both test projects (the
# integration suite twice: on SQLite, then on a throwaway PostgreSQL cluster) and the Python
# client's unittest suite (against the built dashboard, started for it), and ends with one line "N passed, N failed"
# counting every test that ran.
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Chromium from Debian's packages..."
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null \
    || { echo "Could not install chromium"; echo "0 passed, 1 failed"; exit 1; }
fi
# The /metrics and Alertmanager tests start Debian's Prometheus and Alertmanager themselves on free
# ports (apt installs them without starting them here).
if [ ! -x /usr/bin/prometheus ] || [ ! -x /usr/bin/promtool ] || [ ! -x /usr/bin/prometheus-alertmanager ]; then
  echo "Installing Prometheus and Alertmanager from Debian's packages..."
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq prometheus prometheus-alertmanager >/dev/null \
    || { echo "Could not install prometheus and prometheus-alertmanager"; echo "0 passed, 1 failed"; exit 1; }
fi
if [ ! -f node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
fi

# A throwaway PostgreSQL cluster (Debian's postgresql-15, installed when missing) on a free port for the PostgreSQL
# tests and the suite's second pass; stopped and removed on every exit, failures included.
pg_env=$(bash scripts/pg-throwaway.sh start) || { echo "Could not start PostgreSQL"; echo "0 passed, 1 failed"; exit 1; }
eval "$pg_env"
trap 'bash scripts/pg-throwaway.sh stop "$PG_THROWAWAY_DIR"' EXIT

results=$(mktemp -d)
status=0
dotnet build Dashboard.sln -c Debug -nologo -v q || { echo "Build failed"; echo "0 passed, 1 failed"; exit 1; }
# The unit tests (no browser, no host) run beside the integration suite's first pass, each with its own log printed when
# both are done. Running the two integration passes side by side too was tried: the cores were already 80-100 % busy,
# it saved under two of seventeen minutes and doubled the load the browser tests wait under (bench/README, "The test
# command's time").
# The integration suite runs twice: on SQLite, then with every host on PostgreSQL (a database per host,
# tests/.../Infrastructure/TestPostgres). Tests that check SQLite itself (its file, PRAGMAs, locks) skip themselves there
# ([SqliteFact], [SqliteTheory]); the screenshot tests (trait Pass=SqliteOnly, 80-100 s) look at the same pages the
# pages' browser tests check on both providers, so they run in the first pass only (README, "PostgreSQL": status).
logs=$(mktemp -d)
dotnet test tests/Dashboard.Tests --no-build -nologo --logger "trx;LogFilePrefix=Dashboard.Tests" \
  --results-directory "$results" >"$logs/unit.log" 2>&1 &
unit=$!
dotnet test tests/Dashboard.IntegrationTests --no-build -nologo --logger "trx;LogFilePrefix=Dashboard.IntegrationTests" \
  --results-directory "$results" >"$logs/sqlite.log" 2>&1 &
sqlite=$!
for run in unit sqlite; do
  wait "${!run}" || status=1
  echo "== $run =="; cat "$logs/$run.log"
done
DASHBOARD_TEST_PROVIDER=PostgreSQL dotnet test tests/Dashboard.IntegrationTests --no-build -nologo --filter "Pass!=SqliteOnly" \
  --logger "trx;LogFilePrefix=Dashboard.IntegrationTests.PostgreSQL" \
  --results-directory "$results" || status=1

# The Python client (clients/python): unittest against the built dashboard, started here on a free port with a
# temp SQLite file and configured ingest and viewer keys, stopped afterwards.
py_passed=0; py_failed=0
pydir=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ingest_key="py-ingest-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
viewer_key="py-viewer-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
( cd src/Dashboard/bin/Debug/net10.0 && exec dotnet Dashboard.dll "--Urls=http://127.0.0.1:$port" \
    "--ConnectionStrings:Dashboard=Data Source=$pydir/dashboard.db" "--Auth:IngestKeys:0=$ingest_key" \
    "--Auth:ViewerKeys:0=$viewer_key" --Auth:RateLimitPerSecond=0 --Logging:LogLevel:Default=Warning ) >"$pydir/dashboard.log" 2>&1 &
dashboard_pid=$!
if python3 - "$port" <<'PY'
import sys, time, urllib.request
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=2) as r:
            sys.exit(0 if r.status == 200 else 1)
    except OSError:
        time.sleep(0.2)
sys.exit(1)
PY
then
  DASHBOARD_URL="http://127.0.0.1:$port" DASHBOARD_INGEST_KEY="$ingest_key" DASHBOARD_VIEWER_KEY="$viewer_key" \
    python3 -m unittest discover -s clients/python/tests -t clients/python/tests 2>&1 | tee "$pydir/unittest.log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  ran=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\} in .*/\1/p' "$pydir/unittest.log" | tail -n 1)
  summary=$(grep -E '^(FAILED|OK)' "$pydir/unittest.log" | tail -n 1)
  bad=0; skipped=0
  for kind in failures errors unexpected\ successes; do
    n=$(sed -n "s/.*$kind=\([0-9]*\).*/\1/p" <<<"$summary"); bad=$((bad + ${n:-0}))
  done
  n=$(sed -n 's/.*skipped=\([0-9]*\).*/\1/p' <<<"$summary"); skipped=${n:-0}
  if [ -z "$ran" ]; then py_failed=1; else py_failed=$bad; py_passed=$((ran - bad - skipped)); fi
else
  echo "The dashboard for the Python tests did not start:"; cat "$pydir/dashboard.log"
  py_failed=1; status=1
fi
kill "$dashboard_pid" 2>/dev/null; wait "$dashboard_pid" 2>/dev/null

# dotnet test's own summary is per project; CI reads one total line.
passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  # CI keeps only the tail of this output: name each failed test here, next to the totals, with its message's first lines.
  python3 - "$trx" <<'PY'
import os, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
run = os.path.basename(sys.argv[1]).split("_net10")[0]
for result in ET.parse(sys.argv[1]).getroot().iterfind(".//t:UnitTestResult[@outcome='Failed']", ns):
    message = result.findtext("t:Output/t:ErrorInfo/t:Message", "", ns).strip().splitlines()
    print(f"FAILED {run}: {result.get('testName')}")
    for line in message[:4]:
        print(f"    {line[:300]}")
PY
done
if [ "$py_failed" -gt 0 ]; then grep -sE '^(FAIL|ERROR):' "$pydir/unittest.log" | sed 's/^/FAILED Python: /'; fi
passed=$((passed + py_passed)); failed=$((failed + py_failed))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
exit "$status"
