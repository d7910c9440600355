#!/usr/bin/env bash
# Runs every test of the repo on a fresh machine: installs what is missing (Debian's Chromium for
# the browser tests, Prometheus and Alertmanager, the npm packages), runs both test projects, and ends with one line
# "N passed, N failed" counting every test that ran.
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

results=$(mktemp -d)
status=0
dotnet build Dashboard.sln -c Debug -nologo -v q || { echo "Build failed"; echo "0 passed, 1 failed"; exit 1; }
for project in tests/Dashboard.Tests tests/Dashboard.IntegrationTests; do
  dotnet test "$project" --no-build -nologo --logger "trx;LogFilePrefix=$(basename "$project")" \
    --results-directory "$results" || status=1
done

# dotnet test's own summary is per project; CI reads one total line.
passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
exit "$status"
