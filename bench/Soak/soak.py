#!/usr/bin/env python3
"""Long soak (stdlib only): load the built dashboard, SIGKILL or SIGTERM it every round, restart,
and check every acknowledged event id is in the SQLite file. Usage:
  dotnet build src/Dashboard && python3 bench/Soak/soak.py --rounds 20 --seconds 10 --workers 8
"""
import argparse, json, os, random, signal, socket, sqlite3, subprocess, sys, tempfile, threading, time, urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DLL = os.path.join(ROOT, "src", "Dashboard", "bin", "Debug", "net10.0", "Dashboard.dll")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(db):
    port = free_port()
    p = subprocess.Popen(["dotnet", DLL, f"--Urls=http://127.0.0.1:{port}", f"--ConnectionStrings:Dashboard=Data Source={db}",
                          "--Auth:Mode=None", "--Logging:LogLevel:Default=Warning"], cwd=os.path.dirname(DLL),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if urllib.request.urlopen(url + "/healthz", timeout=1).status == 200:
                return p, url
        except OSError:
            time.sleep(0.1)
    raise SystemExit("dashboard did not start")


def worker(url, prefix, stop, acked, counts, lock):
    seq = 0
    while not stop.is_set():
        ids = [f"{prefix}-{seq}-{j}" for j in range(25)]
        body = json.dumps({"run": f"soak-{prefix}", "events": [{"type": "metric", "id": i, "name": "load", "value": seq} for i in ids]}).encode()
        req = urllib.request.Request(url + "/api/v1/ingest", body, {"Content-Type": "application/json"})
        try:
            status = urllib.request.urlopen(req, timeout=30).status
        except urllib.error.HTTPError as e:
            status = e.code
        except OSError:
            status = 0
        with lock:
            counts[status] = counts.get(status, 0) + 1
            if 200 <= status < 300:
                acked.update(ids)
        seq += 1
        if status == 0:
            time.sleep(0.02)


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--rounds", type=int, default=10)
    a.add_argument("--seconds", type=float, default=10)
    a.add_argument("--workers", type=int, default=8)
    args = a.parse_args()
    db = os.path.join(tempfile.mkdtemp(prefix="dashboard-soak-"), "soak.db")
    acked, counts, lock = set(), {}, threading.Lock()
    started = time.time()
    for r in range(args.rounds):
        p, url = start(db)
        stop = threading.Event()
        threads = [threading.Thread(target=worker, args=(url, f"r{r}w{w}", stop, acked, counts, lock)) for w in range(args.workers)]
        for t in threads:
            t.start()
        time.sleep(args.seconds)
        how = random.choice(["KILL", "TERM"])
        os.kill(p.pid, signal.SIGKILL if how == "KILL" else signal.SIGTERM)
        p.wait(timeout=60)
        stop.set()
        for t in threads:
            t.join()
        stored = {row[0] for row in sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute("SELECT event_id FROM event_ids")}
        lost = acked - stored
        print(f"round {r + 1}: SIG{how}, exit {p.returncode}, acknowledged {len(acked)}, stored {len(stored)}, lost {len(lost)}", flush=True)
        if lost:
            raise SystemExit(f"LOST {len(lost)} acknowledged events, e.g. {sorted(lost)[:5]}")
    elapsed = time.time() - started
    print(f"{args.rounds} rounds in {elapsed:.0f} s: {len(acked)} events acknowledged ({len(acked) / elapsed:.0f}/s incl. restarts), "
          f"statuses {dict(sorted(counts.items()))}, nothing lost")


if __name__ == "__main__":
    main()
