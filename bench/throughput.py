"""Requests per second of a commune page under gunicorn, against the same HTML as a static file.

    .venv/bin/python bench/throughput.py [--database-url URL] [--duration 10] [--connections 16]

Production-like: DEBUG unset, collectstatic into a temporary STATIC_ROOT
(whitenoise, compressed manifest storage), `gunicorn config.wsgi -w 2` on
127.0.0.1, the full-data database (default: the cached SQLite file
var/bench.sqlite3). The commune page's HTML is fetched once and written as
STATIC_ROOT/commune.html before gunicorn starts again, so whitenoise serves
the very same bytes at /static/commune.html: that is the baseline. wrk loads
each URL (loopback only) after a short warm-up; wrk shares the machine's
CPUs with gunicorn.
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import (
    Gunicorn,
    add_database_arguments,
    collect_static,
    fetch,
    full_data_url,
    log,
    print_context,
    production_env,
    ratio,
    table,
)

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def to_ms(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(match[1]) * UNITS_MS[match[2]] if match else None


def run_wrk(url, threads, connections, seconds):
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("loopback only")
    wrk = shutil.which("wrk") or "/usr/bin/wrk"
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = {"output": output}
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    result["rps"] = float(match[1]) if match else None
    match = re.search(r"(\d+) requests in", output)
    result["requests"] = int(match[1]) if match else None
    for percent in ("50", "75", "90", "99"):
        match = re.search(rf"^\s+{percent}%\s+(\S+)", output, re.MULTILINE)
        result[f"p{percent}"] = to_ms(match[1]) if match else None
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["non_2xx"] = int(match[1]) if match else 0
    match = re.search(r"Socket errors: (.*)", output)
    result["socket_errors"] = match[1] if match else ""
    match = re.search(r"Transfer/sec:\s+(\S+)", output)
    result["transfer"] = match[1] if match else ""
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_arguments(parser)
    parser.add_argument("--path", default="/communes/69123/", help="the dynamic page (default: Lyon)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()
    url = full_data_url(args.database_url, rebuild=args.rebuild)
    print_context("Throughput under gunicorn (wrk)", url)

    with tempfile.TemporaryDirectory(prefix="hospitalite-bench-") as tmp:
        static_root = Path(tmp) / "static"
        env = production_env(url, static_root)
        log("collectstatic…")
        collect_static(env)
        log("Fetching the commune page…")
        with Gunicorn(env, workers=args.workers, log_dir=tmp) as server:
            status, headers, html = fetch(server.base_url + args.path)
        if status != 200:
            raise SystemExit(f"{args.path} answered {status}")
        (static_root / "commune.html").write_bytes(html)

        targets = [
            ("dynamic", args.path),
            ("static (same HTML)", "/static/commune.html"),
            ("API search", "/api/v1/communes?q=saint&limit=8"),
        ]
        results = {}
        with Gunicorn(env, workers=args.workers, log_dir=tmp) as server:
            status, _headers, body = fetch(server.base_url + "/static/commune.html")
            if status != 200 or body != html:
                raise SystemExit("whitenoise does not serve the copied page")
            for label, path in targets:
                target = server.base_url + path
                log(f"wrk {path} (warm-up 2 s, then {args.duration} s)…")
                run_wrk(target, args.threads, args.connections, 2)
                results[label] = run_wrk(target, args.threads, args.connections, args.duration)

    print(
        f"gunicorn config.wsgi -w {args.workers} (sync workers), DEBUG unset; "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency, no Accept-Encoding"
    )
    print(f"Dynamic page {args.path}: {len(html):,} bytes of HTML, {headers.get('Content-Type')}")
    print()
    baseline = results["static (same HTML)"]["rps"]
    rows = []
    for label, path in targets:
        item = results[label]
        rows.append(
            [
                label,
                path,
                f"{item['rps']:.0f}",
                f"{item['p50']:.2f}" if item["p50"] is not None else "n/a",
                f"{item['p99']:.2f}" if item["p99"] is not None else "n/a",
                item["requests"],
                item["non_2xx"],
                item["socket_errors"] or "none",
                ratio(item["rps"], baseline),
            ]
        )
    print(
        table(
            rows,
            ["", "URL", "req/s", "p50 ms", "p99 ms", "requests", "non-2xx", "socket errors", "× static"],
            "llrrrrrlr",
        )
    )
    print()
    dynamic = results["dynamic"]["rps"]
    print(f"ratio dynamic/static requests/s: {dynamic / baseline:.3f} ({ratio(baseline, dynamic)} slower)")


if __name__ == "__main__":
    sys.exit(main())
