"""A big campaign: SQL queries, server time and bytes of its page, its map data and its export.

    .venv/bin/python bench/campaign_map.py [--database-url URL] [--rebuild] [--communes 5000]
        [--others N] [--requests 30] [--loads 3] [--skip-browser]

The database is a copy of the cached full-data file var/bench.sqlite3,
var/bench-campaigns.sqlite3 (the shared file is never written to): migrated,
then scripts/make_campaign_data.py creates an election campaign with
--communes committed communes and --others more (default 40 %), and a small
one (20 + 8 communes) of the same shape as the baseline. It is rebuilt when
var/bench.sqlite3, the generator, a migration, the frameworks' data or these
options change (digest in var/bench-campaigns.sqlite3.stamp). With
--database-url both campaigns are created there unless they exist.

1. SQL queries of the campaign page (page 1, a later page, filtered by
   department, status, framework + item, name) and of carte.json and
   export.csv, big campaign against small: they must be equal. "repeated":
   queries differing from an earlier one of the request only by literals (N+1).
2. Server time through django.test.Client (in-process: no network, templates
   not instrumented, Accept-Encoding: gzip so GZipMiddleware runs): --requests
   rounds after 3 warm-up rounds, URLs interleaved; median and p95. Baselines:
   the sources page (a trivial view) and Lyon's commune page.
3. Bytes of carte.json and of the HTML page, raw and as gzipped by the
   middleware.
4. Chromium (Debian's, via Playwright; production-like gunicorn as in
   page_weight.py): --loads loads per campaign page in fresh contexts; bytes
   transferred and the time from navigation until the map's status text ("N
   communes shown on the map.") appears. Baseline: the small campaign.
5. Export of the whole campaign: the build of its files by the task worker (CSV, gzipped
   CSV and XLSX in one pass, each gzipped too), then each file served (campaigns/export_files.py), and a 304.
   Before (built in each request): CSV 417 ms, XLSX 2,132 ms (medians of 5, load 1.6).
"""

import argparse
import gzip
import hashlib
import os
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _common import (
    CACHED_DB,
    CACHED_DB_STAMP,
    PYTHON,
    ROOT,
    Gunicorn,
    add_database_arguments,
    base_env,
    collect_static,
    database_label,
    ensure_cached_database,
    full_data_url,
    log,
    manage,
    percentile,
    print_context,
    production_env,
    ratio,
    run_measured,
    setup_django,
    sqlite_url,
    table,
)

CAMPAIGN_DB = CACHED_DB.with_name("bench-campaigns.sqlite3")
CAMPAIGN_DB_STAMP = CAMPAIGN_DB.with_name(CAMPAIGN_DB.name + ".stamp")
GENERATOR = ROOT / "scripts" / "make_campaign_data.py"
BIG, SMALL = "bench-municipales-2026", "bench-petite-campagne"
SMALL_SIZE = (20, 8)
PACTE = "pacte-pour-la-transition"
LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")

# Recorded in the page before its own scripts run: when the map's status text appears.
STATUS_WATCH = """
window.__mapStatusAt = null;
new MutationObserver(function (records, observer) {
  var status = document.querySelector(".map-status");
  if (status && status.textContent.trim()) {
    window.__mapStatusAt = performance.now();
    window.__mapStatusText = status.textContent;
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true, characterData: true });
"""


def shape(sql):
    return LITERALS.sub("?", sql)


def kib(value):
    return f"{value / 1024:.1f}"


# --- the database ----------------------------------------------------------------------------


def generate(env, slug, communes, others, seed):
    """Run the generator in a child process; its result (wall time, peak RSS, output)."""
    command = [PYTHON, str(GENERATOR), "--communes", str(communes), "--others", str(others)]
    command += ["--campaign", slug, "--seed", str(seed), "--if-missing"]
    result = run_measured(command, env=env).check()
    log(result.stdout.strip())
    return result


def _campaign_stamp(args):
    digest = hashlib.sha256(CACHED_DB_STAMP.read_bytes())
    digest.update(f"{args.communes}/{args.others}/{SMALL_SIZE}".encode())
    paths = [GENERATOR, *sorted(ROOT.glob("*/migrations/*.py")), *sorted(ROOT.glob("frameworks/data/*"))]
    for path in paths:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def campaign_database(args):
    """(database URL, generator results or None when the data were already there)."""
    if args.database_url:
        url = full_data_url(args.database_url)
        env = base_env(DATABASE_URL=url)
        runs = [
            generate(env, BIG, args.communes, args.others, 2026),
            generate(env, SMALL, *SMALL_SIZE, 7),
        ]
        return url, runs
    ensure_cached_database(rebuild=args.rebuild)
    stamp = _campaign_stamp(args)
    if CAMPAIGN_DB.exists() and CAMPAIGN_DB_STAMP.exists() and CAMPAIGN_DB_STAMP.read_text().strip() == stamp:
        return sqlite_url(CAMPAIGN_DB), None
    building = CAMPAIGN_DB.with_name(CAMPAIGN_DB.name + ".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    log(f"Building {CAMPAIGN_DB.relative_to(ROOT)}: copy, migrate, generate the campaigns…")
    source = sqlite3.connect(CACHED_DB)
    target = sqlite3.connect(building)
    source.backup(target)  # a consistent copy even if the source has a write-ahead log
    source.close()
    target.close()
    env = base_env(DATABASE_URL=sqlite_url(building))
    manage("migrate", "--no-input", "-v0", env=env)
    runs = [
        generate(env, BIG, args.communes, args.others, 2026),
        generate(env, SMALL, *SMALL_SIZE, 7),
    ]
    connection = sqlite3.connect(building)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.execute("ANALYZE")
    connection.close()
    CAMPAIGN_DB_STAMP.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{CAMPAIGN_DB}{suffix}").unlink(missing_ok=True)
    os.replace(building, CAMPAIGN_DB)
    for suffix in ("-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    CAMPAIGN_DB_STAMP.write_text(stamp + "\n")
    return sqlite_url(CAMPAIGN_DB), runs


# --- in-process measurements -----------------------------------------------------------------


def read_body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def describe(campaign):
    from django.db.models import Count

    from campaigns.models import Target
    from commitments.models import Commitment, CommitmentItem

    by_status = dict(
        Target.objects.filter(campaign=campaign).values_list("status").annotate(n=Count("pk")).order_by()
    )
    commitments = Commitment.objects.filter(target__campaign=campaign).count()
    items = CommitmentItem.objects.filter(commitment__target__campaign=campaign).count()
    total = sum(by_status.values())
    statuses = ", ".join(f"{by_status.get(status, 0)} {status}" for status in Target.Status.values)
    return f"{total} communes ({statuses}); {commitments} commitments, {items} committed items"


def biggest_department(campaign):
    from django.db.models import Count

    from campaigns.models import Target

    row = (
        Target.objects.filter(campaign=campaign)
        .values("commune__department__code")
        .annotate(n=Count("pk"))
        .order_by("-n", "commune__department__code")
        .first()
    )
    return row["commune__department__code"]


def frequent_item(campaign):
    from django.db.models import Count

    from commitments.models import CommitmentItem

    row = (
        CommitmentItem.objects.filter(commitment__target__campaign=campaign)
        .values("item__code")
        .annotate(n=Count("pk"))
        .order_by("-n", "item__code")
        .first()
    )
    return row["item__code"] if row else "1"


def result_count(campaign, query_string):
    """How many communes the list shows for these filters (the view's own filter code)."""
    from django.test import RequestFactory

    from campaigns import queries
    from campaigns.views.public import target_filters

    request = RequestFactory().get("/?" + query_string)
    return queries.campaign_targets(campaign, **target_filters(request, campaign)).count()


def query_counts(client, big, small):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def variants(campaign):
        item = frequent_item(campaign)
        return [
            ("page 1", ""),
            ("page 40 (small: last)", "page=40"),
            ("biggest department", f"departement={biggest_department(campaign)}"),
            ("status committed", "statut=committed"),
            ("status refused", "statut=refused"),
            ("framework + item", f"referentiel={PACTE}&engagement={item}"),
            ("name prefix", "q=saint"),
        ]

    def measure(path):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
            read_body(response)  # a streamed export runs its queries while it is read
        queries = [query["sql"] for query in captured.captured_queries]
        sql_ms = sum(float(query["time"]) for query in captured.captured_queries) * 1000
        shapes = Counter(shape(sql) for sql in queries)
        repeated = {sql: n for sql, n in shapes.items() if n > 1}
        return response.status_code, len(queries), repeated, sql_ms

    rows, repeated_examples, verdicts = [], {}, []
    pairs = list(zip(variants(big), variants(small), strict=True))
    pairs += [(("carte.json", "carte.json"), ("carte.json", "carte.json"))]
    pairs += [(("export.csv", "export.csv"), ("export.csv", "export.csv"))]
    for (label, big_qs), (_label, small_qs) in pairs:
        if label in ("carte.json", "export.csv"):
            big_path, small_path = f"/campagnes/{BIG}/{label}", f"/campagnes/{SMALL}/{label}"
            big_n = small_n = ""
        else:
            big_path = f"/campagnes/{BIG}/" + (f"?{big_qs}" if big_qs else "")
            small_path = f"/campagnes/{SMALL}/" + (f"?{small_qs}" if small_qs else "")
            big_n = result_count(big, big_qs)
            small_n = result_count(small, small_qs)
        status, big_q, repeated, sql_ms = measure(big_path)
        _status, small_q, small_repeated, _sql_ms = measure(small_path)
        for sql, count in repeated.items():
            repeated_examples.setdefault(sql, (count, big_path))
        constant = big_q == small_q
        verdicts.append(constant)
        rows.append(
            [
                label,
                "?" + big_qs if big_qs and label not in ("carte.json", "export.csv") else "",
                status,
                big_n,
                big_q,
                sum(n - 1 for n in repeated.values()),
                f"{sql_ms:.0f}",
                small_n,
                small_q,
                sum(n - 1 for n in small_repeated.values()),
                "yes" if constant else "NO",
            ]
        )
    headers = ["request", "query string (big)", "status", "rows", "queries", "repeated", "SQL ms"]
    headers += ["small rows", "small q.", "small rep.", "constant"]
    return table(rows, headers, "llrrrrrrrrl"), repeated_examples, all(verdicts)


def server_times(client, rounds, big):
    """Interleaved rounds of every URL; {label: [ms]} and the last response of each."""
    department = biggest_department(big)
    targets = [
        ("sources page (trivial view)", "/sources/"),
        ("commune page, Lyon", "/communes/69123/"),
        ("small campaign page", f"/campagnes/{SMALL}/"),
        ("small carte.json", f"/campagnes/{SMALL}/carte.json"),
        ("campaign page 1", f"/campagnes/{BIG}/"),
        ("campaign page, department", f"/campagnes/{BIG}/?departement={department}"),
        (
            "campaign page, framework+item",
            f"/campagnes/{BIG}/?referentiel={PACTE}&engagement={frequent_item(big)}",
        ),
        ("campaign carte.json", f"/campagnes/{BIG}/carte.json"),
    ]
    times = {label: [] for label, _path in targets}
    responses = {}
    for round_number in range(rounds + 3):
        for label, path in targets:
            started = time.perf_counter()
            response = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
            body = read_body(response)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
            if round_number >= 3:
                times[label].append(elapsed)
            responses[label] = (path, response, body)
    return targets, times, responses


def sizes(client, responses):
    rows = []
    for label in ("campaign carte.json", "small carte.json", "campaign page 1", "commune page, Lyon"):
        path, response, gzipped = responses[label]
        raw = client.get(path).content
        if response.get("Content-Encoding") != "gzip":
            gzipped = gzip.compress(raw, compresslevel=6)
        note = ""
        if path.endswith("carte.json"):
            import json

            points = len(json.loads(raw)["points"])
            note = f"{points} points, {len(raw) / max(points, 1):.0f} B/point raw"
        rows.append(
            [label, path, f"{len(raw):,}", f"{len(gzipped):,}", f"{len(gzipped) / len(raw):.2f}", note]
        )
    return table(rows, ["", "URL", "raw bytes", "gzip bytes", "gzip/raw", "note"], "llrrrl")


def export_times(client, runs, big):
    """The export's build by the task worker (CSV, gzipped CSV and XLSX in one pass), then
    the built files served (campaigns/export_files.py): what a download costs now."""
    import secrets

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from campaigns import export_files

    builds = []
    for _run in range(runs):
        started = time.perf_counter()
        export_files.build(big.pk, {}, secrets.token_hex(8))
        builds.append((time.perf_counter() - started) * 1000)
    folder = export_files.campaign_folder(big.pk)
    built = sum(path.stat().st_size for path in folder.iterdir())
    rows = [
        [
            "build by the task worker (csv, xlsx, each gzipped too)",
            "",
            f"{statistics.median(builds):.0f}",
            f"{max(builds):.0f}",
            "",
            f"{built:,}",
            "",
        ]
    ]
    csv_path, xlsx_path = f"/campagnes/{BIG}/export.csv", f"/campagnes/{BIG}/export.xlsx"
    etag = client.get(csv_path)["ETag"]  # builds the current version once (tasks run inline here)
    served = [
        ("served: export.csv", csv_path, {}),
        ("served: export.csv, Accept-Encoding: gzip", csv_path, {"HTTP_ACCEPT_ENCODING": "gzip"}),
        ("served: export.xlsx, Accept-Encoding: gzip", xlsx_path, {"HTTP_ACCEPT_ENCODING": "gzip"}),
        ("served: export.xlsx", xlsx_path, {}),
        ("served: export.csv, If-None-Match (304)", csv_path, {"HTTP_IF_NONE_MATCH": etag}),
    ]
    for label, path, headers in served:
        times = []
        for _run in range(max(runs, 20)):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path, **headers)
                body = read_body(response)
                times.append((time.perf_counter() - started) * 1000)
        plain_csv = (
            path.endswith("csv") and response.status_code == 200 and not response.get("Content-Encoding")
        )
        lines = body.count(b"\n") - 1 if plain_csv else ""
        rows.append(
            [
                label,
                response.status_code,
                f"{statistics.median(times):.1f}",
                f"{max(times):.1f}",
                lines,
                f"{len(body):,}",
                len(captured),
            ]
        )
    headers = ["", "status", "median ms", "max ms", "data rows", "bytes", "queries"]
    return table(rows, headers, "lrrrrrr")


# --- Chromium --------------------------------------------------------------------------------


def browser_loads(url, loads):
    from playwright.sync_api import sync_playwright

    from tests.chromium import CHROMIUM, CHROMIUM_ARGS

    pages = [("big campaign", f"/campagnes/{BIG}/"), ("small campaign", f"/campagnes/{SMALL}/")]
    results = {label: [] for label, _path in pages}
    with tempfile.TemporaryDirectory(prefix="hospitalite-bench-") as tmp:
        env = production_env(url, Path(tmp) / "static")
        log("collectstatic…")
        collect_static(env)
        with Gunicorn(env, log_dir=tmp) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                for _load in range(loads):
                    for label, path in pages:
                        log(f"Chromium: {path}…")
                        results[label].append(load_once(browser, server.base_url + path))
            finally:
                browser.close()
    return pages, results


def load_once(browser, address):
    context = browser.new_context()
    try:
        context.add_init_script(STATUS_WATCH)
        page = context.new_page()
        finished = []
        page.on("requestfinished", lambda request: finished.append(request))
        page.goto(address, wait_until="load")
        # Polled from here: a predicate run in the page would need 'unsafe-eval' (CSP).
        deadline = time.monotonic() + 60
        while page.evaluate("() => window.__mapStatusAt") is None:
            if time.monotonic() > deadline:
                raise RuntimeError(f"no map status text within 60 s on {address}")
            page.wait_for_timeout(50)
        page.wait_for_load_state("networkidle")
        timing = page.evaluate(
            """() => {
              const nav = performance.getEntriesByType("navigation")[0];
              const byName = (part) => performance.getEntriesByType("resource")
                .find((entry) => entry.name.includes(part));
              const points = byName("carte.json"), outlines = byName("departements.geojson");
              return {
                dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
                outlinesEnd: outlines ? outlines.responseEnd : null,
                pointsStart: points ? points.startTime : null,
                pointsEnd: points ? points.responseEnd : null,
                status: window.__mapStatusAt, text: window.__mapStatusText,
              };
            }"""
        )
        transferred = points_bytes = 0
        for request in finished:
            request_sizes = request.sizes()
            size = max(request_sizes["responseBodySize"], 0) + max(request_sizes["responseHeadersSize"], 0)
            transferred += size
            if "carte.json" in request.url:
                points_bytes = size
        timing.update(requests=len(finished), transferred=transferred, points_bytes=points_bytes)
        return timing
    finally:
        context.close()


def browser_table(pages, results):
    rows = []
    baseline = statistics.median(result["status"] for result in results["small campaign"])
    for label, path in pages:
        loads = results[label]

        def median(key, loads=loads):
            values = [load[key] for load in loads if load[key] is not None]
            return statistics.median(values) if values else None

        status = median("status")
        render = statistics.median(load["status"] - load["pointsEnd"] for load in loads)
        rows.append(
            [
                label,
                path,
                median("requests"),
                kib(median("transferred")),
                kib(median("points_bytes")),
                f"{median('dcl'):.0f}",
                f"{median('outlinesEnd'):.0f}",
                f"{median('pointsStart'):.0f}",
                f"{median('pointsEnd'):.0f}",
                f"{status:.0f}",
                f"{render:.0f}",
                ratio(status, baseline),
            ]
        )
    headers = ["page", "URL", "requests", "KiB transferred", "carte.json KiB", "DOMContentLoaded"]
    headers += ["outlines end", "points start", "points end", "status text", "render", "× small"]
    text = table(rows, headers, "llrrrrrrrrrr")
    examples = {label: loads[0]["text"] for label, loads in results.items()}
    return text, examples


# --- main ------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_arguments(parser)
    parser.add_argument("--communes", type=int, default=5000, help="committed communes (default 5000)")
    parser.add_argument(
        "--others", type=int, default=2000, help="other communes of the campaign (default 2000)"
    )
    parser.add_argument("--requests", type=int, default=30, help="timed requests per URL (default 30)")
    parser.add_argument("--loads", type=int, default=3, help="Chromium loads per page (default 3)")
    parser.add_argument("--exports", type=int, default=3, help="timed exports per format (default 3)")
    parser.add_argument("--skip-browser", action="store_true", help="leave Chromium out")
    args = parser.parse_args()
    url, runs = campaign_database(args)
    setup_django(url)

    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    from campaigns.models import Campaign

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # The exports' files (campaigns/export_files.py): in a folder of this run, one version of
    # the data for the whole run (the page cache is off here: nothing else tracks changes),
    # downloads not rate-limited (one client asks hundreds of times).
    settings.EXPORTS_ROOT = tempfile.mkdtemp(prefix="hospitalite-bench-exports-")
    settings.EXPORTS_UNTRACKED_SECONDS = 24 * 3600
    settings.ACCOUNT_RATE_LIMITS = {
        name: rate
        for name, rate in settings.ACCOUNT_RATE_LIMITS.items()
        if not name.startswith("campaign_export")
    }
    cache.clear()
    print_context("A big campaign: page, map data and export", url)
    big = Campaign.objects.get(slug=BIG)
    small = Campaign.objects.get(slug=SMALL)
    print(f"Big campaign /campagnes/{BIG}/: {describe(big)}")
    print(f"Small campaign /campagnes/{SMALL}/ (baseline): {describe(small)}")
    if runs:
        for slug, result in zip((BIG, SMALL), runs, strict=True):
            print(
                f"Generated {slug} with scripts/make_campaign_data.py: {result.seconds:.1f} s, "
                f"peak RSS {result.max_rss_mib:.0f} MiB"
            )
    else:
        print(f"Campaign data reused from {database_label(url)} (built earlier; --rebuild to redo).")
    print()

    client = Client()
    print("1. SQL queries per request (first request, django.test.Client), big campaign against small")
    text, repeated, constant = query_counts(client, big, small)
    print(text)
    print("rows: communes matching the filters; SQL ms: time in the database (big campaign).")
    print(f"Same number of queries whatever the campaign's size: {'yes' if constant else 'NO'}")
    for sql, (count, path) in repeated.items():
        columns, _from, rest = sql.partition(" FROM ")
        print(f"  repeated {count}× in {path}: {columns[:60]}… FROM {rest[:200]}")
    print()

    log(f"Timing {args.requests} rounds…")
    targets, times, responses = server_times(client, args.requests, big)
    print(
        f"2. Server time per request (in-process test client, Accept-Encoding: gzip, "
        f"{args.requests} requests each after 3 warm-up rounds, URLs interleaved)"
    )
    baseline = statistics.median(times["commune page, Lyon"])
    rows = []
    for label, path in targets:
        values = times[label]
        median = statistics.median(values)
        rows.append([label, path, f"{median:.1f}", f"{percentile(values, 95):.1f}", ratio(median, baseline)])
    print(table(rows, ["", "URL", "median ms", "p95 ms", "× commune page"], "llrrr"))
    print()

    print("3. Bytes (gzip: as GZipMiddleware sends it to a client accepting gzip)")
    print(sizes(client, responses))
    print()

    print(
        f"5. Export of the whole big campaign: its build ({args.exports} runs) and the built files "
        f"served ({max(args.exports, 20)} requests each, body fully read)"
    )
    print(export_times(client, args.exports, big))
    print("Downloads are rate-limited per IP: the limits are lifted for this measure.")
    print()

    if args.skip_browser:
        print("4. Chromium: skipped (--skip-browser)")
        return 0
    try:
        pages, results = browser_loads(url, args.loads)
    except Exception as error:  # no Chromium or Playwright on this machine: say so, keep the rest
        print(f"4. Chromium: not measured ({type(error).__name__}: {error})")
        return 0
    print(
        f"4. Chromium, gunicorn -w 2 (DEBUG unset, collectstatic), fresh context per load, "
        f"median of {args.loads} loads; times in ms from navigation start"
    )
    text, examples = browser_table(pages, results)
    print(text)
    print("outlines end / points start / points end: departements.geojson and carte.json responses;")
    print("status text: the map's status line appears; render: status text − carte.json received.")
    for label, example in examples.items():
        print(f"  status text, {label}: {example!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
