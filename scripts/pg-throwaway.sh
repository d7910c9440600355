#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests and benches (no Docker here): installs Debian's postgresql-15 when
# missing, starts a cluster under /tmp on a free port (initdb refuses root, so it runs as the postgres user) and prints
# its connection string. `fsync=off`: a test cluster only, never a configuration to copy.
#   start:  eval "$(bash scripts/pg-throwaway.sh start)"   -> sets PG_THROWAWAY_DIR and DASHBOARD_TEST_POSTGRES
#   stop:   bash scripts/pg-throwaway.sh stop "$PG_THROWAWAY_DIR"
set -euo pipefail
PGBIN=/usr/lib/postgresql/15/bin
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi

case "${1:-}" in
  start)
    if [ ! -x "$PGBIN/initdb" ]; then
      echo "Installing postgresql-15 from Debian's packages..." >&2
      { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql-15; } >&2
    fi
    dir=$(mktemp -d /tmp/dashboard-pgXXXX)
    chmod 755 "$dir"
    $SUDO install -d -o postgres -g postgres "$dir/data" "$dir/sock"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    run() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
    run "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    # max_connections: every test class's host keeps a pool, and the suite runs classes in parallel.
    run "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w start \
      -o "-p $port -k $dir/sock -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400 -c shared_buffers=128MB" >&2 \
      || { cat "$dir/data/server.log" >&2; exit 1; }
    echo "export PG_THROWAWAY_DIR='$dir'"
    echo "export DASHBOARD_TEST_POSTGRES='Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres'"
    ;;
  stop)
    dir="${2:?usage: pg-throwaway.sh stop DIR}"
    if [ -d "$dir/data" ]; then
      if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
      else sudo -u postgres "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
    fi
    case "$dir" in /tmp/dashboard-pg*) rm -rf "$dir" ;; esac
    ;;
  *) echo "usage: pg-throwaway.sh start | stop DIR" >&2; exit 2 ;;
esac
