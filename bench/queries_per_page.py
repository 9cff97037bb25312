"""SQL queries per public page, for small and big territories.

    .venv/bin/python bench/queries_per_page.py [--database-url URL] [--sql]

Database as for search_latency.py (default: the cached full-data SQLite file
var/bench.sqlite3). Each page is requested twice through django.test.Client
(the second time some data may come from the cache) under
CaptureQueriesContext. Pages of one type should need the same number of
queries whatever the size of the territory: a count that grows with the
data is an N+1. "repeated" counts queries whose SQL differs from an earlier
one of the same request only by its literal values (the shape of an N+1).
"""

import argparse
import re
import sys
import time
from collections import Counter

from _common import add_database_arguments, full_data_url, print_context, setup_django, table

LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")


def shape(sql):
    return LITERALS.sub("?", sql)


def pick_examples():
    """Small and big territories taken from the data."""
    from django.db.models import Count, Q

    from territories.models import Commune, Region

    communes = Commune.objects.active().filter(kind="COM", population__isnull=False)
    cities = Commune.objects.filter(parent__isnull=False).values("parent")
    small = communes.order_by("population", "code").values_list("code", flat=True).first()
    big = (
        communes.exclude(pk__in=cities).order_by("-population", "code").values_list("code", flat=True).first()
    )
    biggest = communes.order_by("-population", "code").values_list("code", flat=True).first()
    arrondissement = (
        Commune.objects.active().filter(kind="ARM").order_by("code").values_list("code", flat=True).first()
    )
    regions = Region.objects.annotate(
        size=Count("departments__communes", filter=Q(departments__communes__is_active=True))
    ).order_by("size", "code")
    return {
        "small commune": small,
        "big commune": big,
        "biggest commune": biggest,
        "arrondissement": arrondissement,
        "small region": regions.first(),
        "big region": regions.last(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_arguments(parser)
    parser.add_argument("--sql", action="store_true", help="print every query of every page")
    args = parser.parse_args()
    url = full_data_url(args.database_url, rebuild=args.rebuild)
    setup_django(url)

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from territories.models import Commune, Department
    from territories.queries import search_communes

    print_context("SQL queries per page", url)
    setup_test_environment()  # ALLOWED_HOSTS gets "testserver"
    cache.clear()
    examples = pick_examples()
    small_region, big_region = examples["small region"], examples["big region"]
    sizes = {
        code: Commune.objects.active().filter(department__code=code).count()
        for code in ("90", "62", "69", "75")
    }

    def matches(query):
        return f"{search_communes(query).count()} matches"

    # Pages of one type differ by the size of what they show; the code path is the same.
    pages = [
        ("home", "/", ""),
        ("commune", f"/communes/{examples['small commune']}/", "smallest population"),
        ("commune", f"/communes/{examples['big commune']}/", "largest without arrondissements"),
        ("commune", f"/communes/{examples['arrondissement']}/", "an arrondissement"),
        ("city with arr.", "/communes/69123/", "Lyon, 9 arrondissements"),
        ("city with arr.", f"/communes/{examples['biggest commune']}/", "largest population, 20 arr."),
        ("department", "/departements/90/", f"{sizes['90']} communes, page 1"),
        ("department", "/departements/90/?page=5", "page 5 (past the end: last page)"),
        ("department", "/departements/62/", f"{sizes['62']} communes, page 1"),
        ("department", "/departements/62/?page=5", "page 5"),
        ("department", "/departements/62/?page=5&tri=-population", "page 5, by population"),
        ("region", f"/regions/{small_region.code}/", f"{small_region.size} communes, page 1"),
        ("region", f"/regions/{small_region.code}/?page=5", "page 5 (past the end: last page)"),
        ("region", f"/regions/{big_region.code}/", f"{big_region.size} communes, page 1"),
        ("region", f"/regions/{big_region.code}/?page=5", "page 5"),
        ("region list", "/regions/", ""),
        ("search name", "/recherche/?q=brest", matches("brest")),
        ("search name", "/recherche/?q=saint", matches("saint") + ", page 1"),
        ("search name", "/recherche/?q=saint&page=5", "page 5"),
        ("search code", "/recherche/?q=90", matches("90")),
        ("search code", "/recherche/?q=2", matches("2")),
        ("search code", "/recherche/?q=2&page=5", "page 5"),
        ("search, no result", "/recherche/?q=zzzz", "no count of pages, no list"),
        ("search with arr.", "/recherche/?q=75001", "Paris among the results"),
        ("map", "/carte/", f"{Department.objects.count()} departments listed"),
        ("sources", "/sources/", ""),
        ("GeoJSON outlines", "/carte/departements.geojson", "departments"),
        ("GeoJSON outlines", "/carte/regions.geojson", "regions"),
        ("GeoJSON points", "/departements/90/communes.geojson", f"{sizes['90']} points"),
        ("GeoJSON points", "/departements/62/communes.geojson", f"{sizes['62']} points"),
        ("API search", "/api/v1/communes?q=brest&limit=8", matches("brest")),
        ("API search", "/api/v1/communes?q=saint&limit=8", matches("saint") + ", first 8"),
        ("API search", "/api/v1/communes?q=saint&limit=50", "first 50"),
        ("API search", "/api/v1/communes?q=2&limit=50", matches("2") + ", first 50"),
        ("API search w/ arr.", "/api/v1/communes?q=75&limit=50", "Paris among the results"),
        ("API detail", f"/api/v1/communes/{examples['small commune']}", "smallest population"),
        ("API detail", f"/api/v1/communes/{examples['big commune']}", "largest without arrondissements"),
        ("API detail w/ arr.", "/api/v1/communes/69123", "Lyon"),
    ]

    client = Client()
    rows, details, by_type = [], [], {}
    for kind, path, note in pages:
        counts = []
        cache.clear()  # the first request of every page starts from an empty cache
        for attempt in range(2):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                ms = (time.perf_counter() - started) * 1000
            counts.append(len(captured))
            if attempt == 0:
                first_ms, status, size = ms, response.status_code, len(response.content)
                queries = [query["sql"] for query in captured.captured_queries]
                etag = response.get("ETag")
        repeated = sum(count - 1 for count in Counter(shape(sql) for sql in queries).values() if count > 1)
        conditional = ""
        if etag:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path, HTTP_IF_NONE_MATCH=etag)
            conditional = f"{response.status_code}: {len(captured)} q"
        rows.append(
            [
                kind,
                path,
                note,
                status,
                counts[0],
                counts[1],
                repeated,
                conditional,
                f"{size / 1024:.1f}",
                f"{first_ms:.0f}",
            ]
        )
        by_type.setdefault(kind, set()).add(counts[0])
        if args.sql or repeated:
            details.append((path, queries))

    print(
        table(
            rows,
            ["type", "URL", "note", "status", "queries", "2nd", "repeated", "If-None-Match", "KiB", "ms"],
            "lllrrrrlrr",
        )
    )
    print()
    print("queries: first request (empty cache); 2nd: same request again (cache warm);")
    print("If-None-Match: conditional request with the ETag received; KiB: uncompressed body;")
    print("ms: first request, through the test client (templates instrumented), for orientation only.")
    print()
    print("Same number of queries for every page of a type, small or big territory (first request):")
    for kind, counts in by_type.items():
        verdict = "yes" if len(counts) == 1 else "NO"
        print(f"  {kind:<18} {verdict:<4} {sorted(counts)}")
    print("(A city with arrondissements, as the page or among the results, costs one more query:")
    print("the postal codes of its arrondissements, fetched for all of them at once.)")
    for path, queries in details:
        print()
        print(f"Queries of {path}:")
        for sql in queries:
            print(f"  {sql[:300]}{'…' if len(sql) > 300 else ''}")


if __name__ == "__main__":
    sys.exit(main())
