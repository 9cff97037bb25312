"""Soak: --minutes (30) of mixed load against gunicorn on PostgreSQL, the memory of each
gunicorn worker sampled all along: it must stay flat.

    .venv/bin/python bench/soak.py [--minutes 30] [--threads 4] [--workers 2] [--sample-seconds 5]

Runs itself inside scripts/with_postgres.py (a throwaway PostgreSQL cluster), migrates it
and imports the full official data, then starts the production-like gunicorn of
throughput.py (`-w --workers`, DEBUG unset, CONN_MAX_AGE 60 s, health checks on). Load:
--threads clients in a loop, nine reads for one write: public pages (home, commune pages
drawn at random, department pages, the search API with random prefixes, the campaign
list) and, signed in, following then no longer following a commune (POSTs answered by
redirects). Every --sample-seconds, each worker's resident memory (VmRSS of
/proc/<pid>/status; workers found as the gunicorn master's children).

Printed: a table minute → mean RSS of each worker (MiB) with the requests and errors of
that minute; per worker, the growth from the second minute to the last and the slope of a
least-squares line over the samples after the first minute (MiB per hour). A worker that
gunicorn replaced (new pid) is a new column.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from _common import (
    ROOT,
    Gunicorn,
    collect_static,
    log,
    prepare_database,
    print_context,
    production_env,
    table,
)
from db_restart import Client, prepare_person

INNER = "HOSPITALITE_SOAK_INNER"
READS_PER_WRITE = 9
PREFIXES = ["saint", "la", "2", "par", "lyo", "mar", "bor", "vil", "st", "75"]


def worker_pids(master):
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                pids.append(int(entry.name))
    return sorted(pids)


def rss_mib(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def sampler(master, period, stop, samples):
    began = time.monotonic()
    while not stop.is_set():
        now = time.monotonic() - began
        for pid in worker_pids(master):
            value = rss_mib(pid)
            if value is not None:
                samples.append((now, pid, value))
        stop.wait(period)


def load(base_url, session_key, codes, departments, args, stop, records):
    def loop(seed):
        rng = random.Random(seed)
        client = Client(base_url, session_key)
        client.fetch_csrf(f"/communes/{codes[0]}/")
        followed = []
        count = 0
        while not stop.is_set():
            count += 1
            start = time.monotonic()
            if count % (READS_PER_WRITE + 1) == 0:
                if followed and rng.random() < 0.5:
                    code = followed.pop()
                    status, _ = client.request(f"/abonnements/commune/{code}/ne-plus-suivre/", {})
                else:
                    code = rng.choice(codes)
                    followed.append(code)
                    status, _ = client.request(f"/abonnements/commune/{code}/suivre/", {})
                kind = "write"
            else:
                path = rng.choice(
                    [
                        f"/communes/{rng.choice(codes)}/",
                        f"/communes/{rng.choice(codes)}/",
                        f"/departements/{rng.choice(departments)}/",
                        f"/api/v1/communes?q={rng.choice(PREFIXES)}&limit=8",
                        "/",
                        "/campagnes/",
                    ]
                )
                status, _ = client.request(path)
                kind = "read"
            records.append((start, kind, status))

    threads = [threading.Thread(target=loop, args=(seed,), daemon=True) for seed in range(args.threads)]
    for thread in threads:
        thread.start()
    return threads


def slope_per_hour(points):
    if len(points) < 2:
        return 0.0
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    var = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / var * 3600 if var else 0.0


def report(samples, records, began, args):
    pids = sorted({pid for _t, pid, _v in samples})
    by_minute = defaultdict(lambda: defaultdict(list))
    for t, pid, value in samples:
        by_minute[int(t // 60)][pid].append(value)
    counts = defaultdict(lambda: [0, 0])
    for start, _kind, status in records:
        minute = int((start - began) // 60)
        counts[minute][0] += 1
        counts[minute][1] += status not in (200, 302)
    rows = []
    for minute in sorted(by_minute):
        cells = [f"{sum(v) / len(v):.1f}" if (v := by_minute[minute].get(pid)) else "" for pid in pids]
        rows.append([minute + 1, *cells, counts[minute][0], counts[minute][1]])
    headers = ["minute", *(f"worker {pid} (MiB)" for pid in pids), "requests", "errors"]
    print(table(rows, headers, "r" * len(headers)))
    print()
    for pid in pids:
        points = [(t, v) for t, p, v in samples if p == pid and t >= 60]
        minutes = sorted(m for m in by_minute if pid in by_minute[m])
        if len(minutes) >= 2:
            second = minutes[1] if len(minutes) > 2 else minutes[0]
            first_mean = sum(by_minute[second][pid]) / len(by_minute[second][pid])
            last_mean = sum(by_minute[minutes[-1]][pid]) / len(by_minute[minutes[-1]][pid])
            growth = f"{last_mean - first_mean:+.1f} MiB from minute {second + 1} to {minutes[-1] + 1}"
        else:
            growth = "too short"
        print(f"worker {pid}: {growth}; slope after the first minute {slope_per_hour(points):+.1f} MiB/hour")
    total = len(records)
    errors = sum(1 for _s, _k, status in records if status not in (200, 302))
    writes = sum(1 for _s, kind, _st in records if kind == "write")
    print(f"requests: {total} ({writes} writes), {total / (args.minutes * 60):.1f}/s, not 200/302: {errors}")


def inner(args):
    url = prepare_database(os.environ["DATABASE_URL"])
    print_context(f"Soak: {args.minutes} min of mixed load, {args.workers} gunicorn workers", url)
    _user_id, session_key, codes = prepare_person(url)
    from territories.models import Department

    departments = list(Department.objects.values_list("code", flat=True))
    from django.db import connection

    connection.close()
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    env = production_env(url, static_root)
    env.update(DATABASE_CONN_MAX_AGE="60", DATABASE_CONN_HEALTH_CHECKS="1")
    collect_static(env)
    log("Starting gunicorn and the load…")
    samples, records = [], []
    stop = threading.Event()
    with Gunicorn(env, workers=args.workers) as server:
        began = time.monotonic()
        watcher = threading.Thread(
            target=sampler, args=(server.process.pid, args.sample_seconds, stop, samples), daemon=True
        )
        watcher.start()
        threads = load(server.base_url, session_key, codes, departments, args, stop, records)
        time.sleep(args.minutes * 60)
        stop.set()
        for thread in [*threads, watcher]:
            thread.join(timeout=60)
    report(samples, records, began, args)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample-seconds", type=float, default=5)
    args = parser.parse_args()
    if os.environ.get(INNER):
        return inner(args)
    env = dict(os.environ, **{INNER: "1"})
    command = [sys.executable, str(ROOT / "scripts" / "with_postgres.py"), "--", sys.executable, *sys.argv]
    return subprocess.run(command, env=env, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
