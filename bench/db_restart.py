"""PostgreSQL restarted under load: what visitors get, how fast the site recovers, and whether
every write that was answered with a success is in the database afterwards.

    .venv/bin/python bench/db_restart.py [--duration 120] [--restart-at 40] [--threads 8]
        [--workers 2] [--no-health-checks]

Runs itself inside scripts/with_postgres.py (a throwaway PostgreSQL 15 cluster), migrates
it and imports the full official data, then starts the production-like gunicorn of
throughput.py (`-w --workers`, DEBUG unset, CONN_MAX_AGE 60 s) and:

1. Load: --threads clients for --duration seconds, each in a loop: four reads of a random
   commune page for one write (a signed-in person follows a commune not followed yet, a
   POST answered by a redirect). At --restart-at seconds the server is restarted
   (`pg_ctl restart -m fast`). Printed per phase (before, outage = from the restart until
   the first success after it, after): requests, successes, 503s, 500s, connection errors;
   the outage's length; the failures once the database was back (must be 0).
2. Idle workers: the load stops, the server is restarted again while the workers keep their
   idle connections, then one request at a time (4 × --workers): how many fail (without
   connection health checks, the first request of each worker used to fail).
3. Down: the server is stopped; one page is requested: its status and Retry-After (503 and
   a French page expected, not a 500); the server is started again.
4. Writes: successes answered during the run against the rows found in the database.

--no-health-checks runs with DATABASE_CONN_HEALTH_CHECKS=0 (the setting before this
change), to compare. No assertion: the numbers are printed.
"""

import argparse
import http.cookiejar
import os
import pwd
import random
import shlex
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
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

INNER = "HOSPITALITE_DB_RESTART_INNER"
READS_PER_WRITE = 4


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Cluster:
    """The with_postgres.py cluster this process runs in (its data folder is beside the socket's)."""

    def __init__(self):
        sys.path.insert(0, str(ROOT / "scripts"))
        from with_postgres import server_bin

        self.pg_ctl = str(server_bin() / "pg_ctl")
        self.data = str(Path(os.environ["PGHOST"]).parent / "data")
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.run_as:
            pwd.getpwnam("postgres")

    def ctl(self, *args):
        # The server started by restart/start keeps its standard streams: no pipe to wait on.
        log_file = str(Path(self.data).parent / "server.log")
        subprocess.run(
            self.run_as + [self.pg_ctl, "-D", self.data, "-l", log_file, "-w", *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


class Client:
    def __init__(self, base_url, session_key):
        self.base_url = base_url
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
        self.session_key = session_key
        self.csrf = None
        self.jar = jar

    def request(self, path, data=None):
        """(status or 'error', headers) of one request; redirects are answers, not followed."""
        headers = {
            "Cookie": f"sessionid={self.session_key}" + (f"; csrftoken={self.csrf}" if self.csrf else "")
        }
        body = None
        if data is not None:
            headers.update({"X-CSRFToken": self.csrf or "", "Referer": self.base_url + "/"})
            body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                response.read()
                return response.status, response.headers
        except urllib.error.HTTPError as error:
            error.read()
            return error.code, error.headers
        except OSError:
            return "error", {}

    def fetch_csrf(self, path):
        status, _headers = self.request(path)
        for cookie in self.jar:
            if cookie.name == "csrftoken":
                self.csrf = cookie.value
        return status


def prepare_person(database_url):
    """A signed-in person (session key) and the communes to read and to follow."""
    from _common import setup_django

    setup_django(database_url)
    from django.test import Client as DjangoClient

    from territories.models import Commune
    from tests.support import make_user

    user = make_user(f"charge-{random.randrange(10**9)}@example.org")
    client = DjangoClient()
    client.force_login(user)
    codes = list(Commune.objects.order_by("code").values_list("code", flat=True))
    from django.db import connection

    connection.close()
    return user.pk, client.cookies["sessionid"].value, codes


def load(base_url, session_key, codes, args, cluster):
    """Phase 1: returns the records (start, end, kind, status) and the restart's times."""
    to_follow = iter(random.Random(2).sample(codes, len(codes)))
    lock = threading.Lock()
    records, acknowledged = [], []
    stop_at = time.monotonic() + args.duration
    restart = {}

    def client_loop(seed):
        rng = random.Random(seed)
        client = Client(base_url, session_key)
        client.fetch_csrf(f"/communes/{codes[0]}/")
        count = 0
        while time.monotonic() < stop_at:
            count += 1
            start = time.monotonic()
            if count % (READS_PER_WRITE + 1):
                status, _ = client.request(f"/communes/{rng.choice(codes)}/")
                kind = "read"
            else:
                with lock:
                    code = next(to_follow)
                status, _ = client.request(f"/abonnements/commune/{code}/suivre/", {})
                kind = "write"
                if status == 302:
                    with lock:
                        acknowledged.append(code)
            records.append((start, time.monotonic(), kind, status))

    threads = [threading.Thread(target=client_loop, args=(seed,)) for seed in range(args.threads)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(args.restart_at)
    restart["start"] = time.monotonic()
    cluster.ctl("-m", "fast", "restart")
    restart["up"] = time.monotonic()
    for thread in threads:
        thread.join()
    return records, acknowledged, restart, began


def ok(status):
    return status in (200, 302)


def report_load(records, restart, began):
    records.sort()
    first_ok_after = next((r[1] for r in records if r[0] >= restart["up"] and ok(r[3])), None)
    outage_end = first_ok_after or restart["up"]
    phases = {
        "before the restart": [r for r in records if r[1] < restart["start"]],
        "outage": [r for r in records if r[1] >= restart["start"] and r[0] < outage_end],
        "after": [r for r in records if r[0] >= outage_end],
    }
    rows = []
    for name, items in phases.items():
        statuses = [r[3] for r in items]
        rows.append(
            [
                name,
                len(items),
                sum(1 for s in statuses if ok(s)),
                statuses.count(503),
                statuses.count(500),
                statuses.count("error"),
                sum(1 for s in statuses if not ok(s) and s not in (503, 500, "error")),
            ]
        )
    print(table(rows, ["phase", "requests", "2xx/302", "503", "500", "conn. errors", "other"]))
    print()
    down = restart["up"] - restart["start"]
    print(
        f"pg_ctl restart took {down:.2f} s (server down part of it); load began {restart['start'] - began:.1f} s in"
    )
    print(f"outage seen by clients: {outage_end - restart['start']:.2f} s (restart → first success after it)")
    after_back = [r for r in records if r[0] >= restart["up"] and not ok(r[3])]
    print(f"requests started after the database was back that failed: {len(after_back)}")
    print()


def idle_restart(base_url, session_key, codes, args, cluster):
    """Phase 2: a restart while the workers sit on idle connections, then quiet traffic."""
    time.sleep(2)
    cluster.ctl("-m", "fast", "restart")
    client = Client(base_url, session_key)
    statuses = [client.request(f"/communes/{codes[i]}/")[0] for i in range(4 * args.workers)]
    failed = [s for s in statuses if not ok(s)]
    print(
        f"Idle workers, database restarted, then {len(statuses)} requests one at a time: {len(failed)} failed {failed}"
    )


def down_page(base_url, session_key, codes, cluster):
    """Phase 3: what a visitor gets while the database is down."""
    # `start` does not reuse the running server's options as `restart` does: keep them.
    words = shlex.split((Path(cluster.data) / "postmaster.opts").read_text())
    options = " ".join(shlex.quote(word) for word in words[3:])  # after: binary, -D, folder
    cluster.ctl("-m", "fast", "stop")
    try:
        status, headers = Client(base_url, session_key).request(f"/communes/{codes[1]}/")
        retry = headers.get("Retry-After") if headers else None
        print(f"Database stopped: the commune page answers {status}, Retry-After: {retry}")
    finally:
        cluster.ctl("-o", options, "start")


def count_writes(user_id, acknowledged):
    from django.db import connection

    from notifications.models import Subscription

    connection.close()
    found = set(
        Subscription.objects.filter(user_id=user_id, commune__code__in=acknowledged).values_list(
            "commune__code", flat=True
        )
    )
    lost = len(set(acknowledged) - found)
    print(
        f"Writes answered with success: {len(acknowledged)}; found in the database: {len(found)}; lost: {lost}"
    )


def inner(args):
    url = prepare_database(os.environ["DATABASE_URL"])
    health = "0" if args.no_health_checks else "1"
    print_context(f"PostgreSQL restarted under load (connection health checks: {health})", url)
    user_id, session_key, codes = prepare_person(url)
    cluster = Cluster()
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    env = production_env(url, static_root)
    env.update(DATABASE_CONN_MAX_AGE="60", DATABASE_CONN_HEALTH_CHECKS=health)
    collect_static(env)
    log("Starting gunicorn and the load…")
    with Gunicorn(env, workers=args.workers) as server:
        records, acknowledged, restart, began = load(server.base_url, session_key, codes, args, cluster)
        report_load(records, restart, began)
        idle_restart(server.base_url, session_key, codes, args, cluster)
        down_page(server.base_url, session_key, codes, cluster)
    count_writes(user_id, acknowledged)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=120)
    parser.add_argument("--restart-at", type=int, default=40)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-health-checks", action="store_true")
    args = parser.parse_args()
    if os.environ.get(INNER):
        return inner(args)
    env = dict(os.environ, **{INNER: "1"})
    command = [sys.executable, str(ROOT / "scripts" / "with_postgres.py"), "--", sys.executable, *sys.argv]
    return subprocess.run(command, env=env, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
