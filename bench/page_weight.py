"""Bytes transferred to load pages in Chromium, per resource and in total.

    .venv/bin/python bench/page_weight.py [--database-url URL]

Same production-like set-up as throughput.py (DEBUG unset, collectstatic,
whitenoise's compressed files, GZipMiddleware, gunicorn on 127.0.0.1, the
full-data database; default: the cached SQLite file var/bench.sqlite3).
Debian's Chromium, driven by Playwright, loads each page in a fresh context
(empty cache) and waits for the network to be idle. Sizes come from
request.sizes(): responseBodySize is the body as transferred (compressed when
it was), responseHeadersSize the response headers. "decoded" is the body
after decompression. Chromium sends Accept-Encoding: gzip (among others).
Host names other than 127.0.0.1 do not resolve, so nothing leaves the machine.
"""

import argparse
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from _common import (
    Gunicorn,
    add_database_arguments,
    collect_static,
    full_data_url,
    log,
    print_context,
    production_env,
    table,
)

from tests.chromium import CHROMIUM, CHROMIUM_ARGS


def kib(value):
    return f"{value / 1024:.1f}"


def load(browser, url):
    """Load a page in a fresh context; [(request, response)] finished, and failures."""
    context = browser.new_context()
    try:
        page = context.new_page()
        finished, failed = [], []
        page.on("requestfinished", lambda request: finished.append(request))
        page.on("requestfailed", lambda request: failed.append(request))
        page.goto(url, wait_until="networkidle")
        rows = []
        for request in finished:
            response = request.response()
            sizes = request.sizes()
            try:
                decoded = len(response.body()) if response else 0
            except Exception:  # redirects and the like have no body
                decoded = 0
            rows.append(
                {
                    "type": request.resource_type,
                    "url": request.url,
                    "status": response.status if response else "",
                    "encoding": (response.headers.get("content-encoding", "") if response else "") or "-",
                    "body": max(sizes["responseBodySize"], 0),
                    "headers": max(sizes["responseHeadersSize"], 0),
                    "decoded": decoded,
                }
            )
        return rows, [f"{request.url} ({request.failure})" for request in failed]
    finally:
        context.close()


def print_page(label, path, rows, failed):
    """One table per page; return (transferred, decoded) totals."""
    print(f"{label}: {path}")
    lines = []
    for row in rows:
        parts = urlsplit(row["url"])
        resource = parts.path + (f"?{parts.query}" if parts.query else "")
        lines.append(
            [
                row["type"],
                resource,
                row["status"],
                row["encoding"],
                kib(row["body"]),
                kib(row["headers"]),
                kib(row["body"] + row["headers"]),
                kib(row["decoded"]),
            ]
        )
    body = sum(row["body"] for row in rows)
    headers = sum(row["headers"] for row in rows)
    decoded = sum(row["decoded"] for row in rows)
    total = [kib(body), kib(headers), kib(body + headers), kib(decoded)]
    lines.append(["", f"total, {len(rows)} requests", "", "", *total])
    headings = [
        "type",
        "resource",
        "status",
        "encoding",
        "body KiB",
        "headers KiB",
        "total KiB",
        "decoded KiB",
    ]
    print(table(lines, headings, "llrlrrrr"))
    for failure in failed:
        print(f"  failed: {failure}")
    print()
    return body + headers, decoded


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_arguments(parser)
    parser.add_argument("--commune", default="69123", help="INSEE code of the commune page (default: Lyon)")
    args = parser.parse_args()
    url = full_data_url(args.database_url, rebuild=args.rebuild)
    print_context("Page weight in Chromium (bytes transferred)", url)

    from playwright.sync_api import sync_playwright

    pages = [
        ("commune page", f"/communes/{args.commune}/"),
        ("national map", "/carte/"),
        ("department page (62, its communes on the map)", "/departements/62/"),
    ]
    summary = []
    with tempfile.TemporaryDirectory(prefix="hospitalite-bench-") as tmp:
        env = production_env(url, Path(tmp) / "static")
        log("collectstatic…")
        collect_static(env)
        with Gunicorn(env, log_dir=tmp) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                for label, path in pages:
                    log(f"Loading {path}…")
                    rows, failed = load(browser, server.base_url + path)
                    transferred, decoded = print_page(label, path, rows, failed)
                    summary.append([label, len(rows), kib(transferred), kib(decoded)])
            finally:
                browser.close()
    print("Totals (transferred = encoded bodies + response headers; decoded = bodies after decompression):")
    print(table(summary, ["page", "requests", "transferred KiB", "decoded KiB"], "lrrr"))


if __name__ == "__main__":
    sys.exit(main())
