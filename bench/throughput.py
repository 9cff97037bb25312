"""Requests per second of the public pages under gunicorn, against the same HTML as a static file.

    .venv/bin/python bench/throughput.py [--database-url URL] [--duration 10] [--connections 16]
        [--no-page-cache] [--campaign-communes 2000]

Production-like: DEBUG unset, collectstatic into a temporary STATIC_ROOT
(whitenoise, compressed manifest storage), `gunicorn config.wsgi -w 2` on
127.0.0.1, the full-data database (default: the cached SQLite file
var/bench.sqlite3). The commune page's HTML is fetched once and written as
STATIC_ROOT/commune.html before gunicorn starts again, so whitenoise serves
the very same bytes at /static/commune.html: that is the baseline. wrk loads
each URL (loopback only) after a short warm-up; wrk shares the machine's
CPUs with gunicorn.

The public pages (commune, department, region, campaign, framework, item, the
campaign's carte.json, a department's communes GeoJSON, the search API with
"saint", "la" and "2") are loaded as anonymous visitors, with the whole-page
cache (core/pagecache.py) on the shared database cache as in production
(PAGE_CACHE=1, CACHE_BACKEND=DatabaseCache): each line gives its ratio to the
static baseline (targets: ≥ 0.5 for the pages, ≥ 0.3 for the search API).
--no-page-cache measures the same pages rendered on every request. The
cached SQLite file is copied first (never written to); the frameworks and a
generated campaign (scripts/make_campaign_data.py) are added to the copy.
"""

import argparse
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import (
    PYTHON,
    ROOT,
    Gunicorn,
    add_database_arguments,
    collect_static,
    fetch,
    full_data_url,
    log,
    manage,
    print_context,
    production_env,
    ratio,
    run_measured,
    sqlite_url,
    table,
)

CAMPAIGN = "bench-throughput"
PAGES = [
    ("commune", "/communes/69123/"),
    ("department", "/departements/69/"),
    ("region", "/regions/84/"),
    ("campaign", f"/campagnes/{CAMPAIGN}/"),
    ("campaign carte.json", f"/campagnes/{CAMPAIGN}/carte.json"),
    ("framework", "/referentiels/pacte-pour-la-transition/"),
    ("item", None),  # the framework's first item, found once the data are there
    ("commune GeoJSON", "/departements/69/communes.geojson"),
    ("API search saint", "/api/v1/communes?q=saint&limit=8"),
    ("API search la", "/api/v1/communes?q=la&limit=8"),
    ("API search 2", "/api/v1/communes?q=2&limit=8"),
]

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def to_ms(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(match[1]) * UNITS_MS[match[2]] if match else None


def run_wrk(url, threads, connections, seconds):
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("loopback only")
    wrk = shutil.which("wrk") or "/usr/bin/wrk"
    script = str(Path(__file__).with_name("wrk_p95.lua"))
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = {"output": output}
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    result["rps"] = float(match[1]) if match else None
    match = re.search(r"(\d+) requests in", output)
    result["requests"] = int(match[1]) if match else None
    for percent in ("50", "75", "90", "99"):
        match = re.search(rf"^\s+{percent}%\s+(\S+)", output, re.MULTILINE)
        result[f"p{percent}"] = to_ms(match[1]) if match else None
    match = re.search(r"p95 latency: ([\d.]+) ms", output)
    result["p95"] = float(match[1]) if match else None
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["non_2xx"] = int(match[1]) if match else 0
    match = re.search(r"Socket errors: (.*)", output)
    result["socket_errors"] = match[1] if match else ""
    match = re.search(r"Transfer/sec:\s+(\S+)", output)
    result["transfer"] = match[1] if match else ""
    return result


CACHE_BACKEND = "django.core.cache.backends.db.DatabaseCache"  # shared by the workers, as in production


def prepare_data(url, tmp, communes):
    """A copy of a SQLite database (or the given database), with the frameworks, a campaign
    and the cache table."""
    if url.startswith("sqlite:///"):
        copy = Path(tmp) / "throughput.sqlite3"
        source = sqlite3.connect(url.split(":///", 1)[1])
        target = sqlite3.connect(copy)
        source.backup(target)
        source.close()
        target.close()
        url = sqlite_url(copy)
    env = production_env(url, Path(tmp) / "static")
    env.update(CACHE_BACKEND=CACHE_BACKEND)  # createcachetable makes only the configured cache's table
    manage("migrate", "--no-input", "-v0", env=env)
    manage("createcachetable", env=env)
    command = [PYTHON, str(ROOT / "scripts" / "make_campaign_data.py"), "--communes", str(communes)]
    run_measured([*command, "--campaign", CAMPAIGN, "--if-missing"], env=env).check()
    return url


def first_item_path(env):
    code = "from frameworks.models import Item; print(Item.objects.filter(framework__slug='pacte-pour-la-transition', framework__is_current=True).order_by('position').first().get_absolute_url())"
    output = manage("shell", "--no-imports", "-c", code, env=env).stdout
    return next(line for line in reversed(output.splitlines()) if line.startswith("/"))


def load(server, targets, args):
    results = {}
    for label, path in targets:
        target = server.base_url + path
        log(f"wrk {path} (warm-up 2 s, then {args.duration} s)…")
        run_wrk(target, args.threads, args.connections, 2)
        results[label] = run_wrk(target, args.threads, args.connections, args.duration)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_arguments(parser)
    parser.add_argument(
        "--path", default="/communes/69123/", help="the static baseline's page (default: Lyon)"
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--gunicorn-threads", type=int, default=1, help="threads per gunicorn worker (gthread)"
    )
    parser.add_argument("--no-page-cache", action="store_true", help="render every request (PAGE_CACHE=0)")
    parser.add_argument(
        "--campaign-communes", type=int, default=2000, help="communes of the generated campaign"
    )
    args = parser.parse_args()
    url = full_data_url(args.database_url, rebuild=args.rebuild)
    print_context("Throughput under gunicorn (wrk)", url)

    with tempfile.TemporaryDirectory(prefix="hospitalite-bench-") as tmp:
        log("Preparing the data (frameworks, a campaign, the cache table)…")
        url = prepare_data(url, tmp, args.campaign_communes)
        static_root = Path(tmp) / "static"
        env = production_env(url, static_root)
        env.update(
            PAGE_CACHE="0" if args.no_page_cache else "1",
            CACHE_BACKEND=CACHE_BACKEND,
        )
        log("collectstatic…")
        collect_static(env)
        item_path = first_item_path(env)
        pages = [(label, path or item_path) for label, path in PAGES]
        log("Fetching the commune page…")
        with Gunicorn(env, workers=args.workers, log_dir=tmp, threads=args.gunicorn_threads) as server:
            status, headers, html = fetch(server.base_url + args.path)
        if status != 200:
            raise SystemExit(f"{args.path} answered {status}")
        (static_root / "commune.html").write_bytes(html)

        targets = [("static (same HTML)", "/static/commune.html"), *pages]
        with Gunicorn(env, workers=args.workers, log_dir=tmp, threads=args.gunicorn_threads) as server:
            status, _headers, body = fetch(server.base_url + "/static/commune.html")
            if status != 200 or body != html:
                raise SystemExit("whitenoise does not serve the copied page")
            for _label, path in pages:
                status, _headers, _body = fetch(server.base_url + path)
                if status != 200:
                    raise SystemExit(f"{path} answered {status}")
            results = load(server, targets, args)

    cache = "off (every request rendered)" if args.no_page_cache else "on (DatabaseCache, shared)"
    print(
        f"gunicorn config.wsgi -w {args.workers} --threads {args.gunicorn_threads}, DEBUG unset, "
        f"page cache {cache}, CONN_MAX_AGE {env.get('DATABASE_CONN_MAX_AGE', '60')}, health checks on; "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency, no Accept-Encoding"
    )
    print(
        f"Static baseline: {args.path} as a file, {len(html):,} bytes of HTML, {headers.get('Content-Type')}"
    )
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
                f"{item['p95']:.2f}" if item["p95"] is not None else "n/a",
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
            [
                "",
                "URL",
                "req/s",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "requests",
                "non-2xx",
                "socket errors",
                "× static",
            ],
            "llrrrrrrlr",
        )
    )
    print()
    for label, _path in pages:
        target = 0.3 if label.startswith("API") else 0.5
        value = results[label]["rps"] / baseline
        print(
            f"{label}: {value:.3f} of static (target ≥ {target}: {'met' if value >= target else 'NOT met'})"
        )


if __name__ == "__main__":
    sys.exit(main())
