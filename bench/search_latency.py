"""Commune search latency on the full data, against primary-key lookups.

    .venv/bin/python bench/search_latency.py [--database-url URL] [--seed N]

By default the cached full-data SQLite file var/bench.sqlite3 (built when
missing or stale). With --database-url, that database is migrated and the
full data imported into it unless already there; for PostgreSQL:

    .venv/bin/python scripts/with_postgres.py -- \
        sh -c '.venv/bin/python bench/search_latency.py --database-url "$DATABASE_URL"'

A few hundred queries are built from the data with a fixed seed. Each one is
run once untimed (warm-up), then timed: list(search_communes(q)[:10]).
Baseline: as many Commune.objects.get(code=...) lookups. Then the API
endpoint /api/v1/communes?q=...&limit=8 through django.test.Client.
"""

import argparse
import random
import sys
import time
import unicodedata

from _common import (
    add_database_arguments,
    full_data_url,
    percentile,
    print_context,
    ratio,
    setup_django,
    table,
)


def plain(text):
    """Lower case, no accents: what people type when they do not bother."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(char for char in text if not unicodedata.combining(char)).lower()


def build_queries(seed):
    """[(category, query, expected commune code or None)], from the data itself."""
    from territories.models import Commune, PostalCode, full_name

    rng = random.Random(seed)
    communes = [
        (code, full_name(name, name_type), department)
        for code, name, name_type, department in Commune.objects.active()
        .order_by("code")
        .values_list("code", "name", "name_type", "department__code")
    ]
    postal_codes = sorted(set(PostalCode.objects.values_list("code", flat=True)))
    accented = [item for item in communes if plain(item[1]) != item[1].lower()]
    saints = [item for item in communes if item[1].startswith(("Saint-", "Sainte-"))]

    queries = []
    for code, name, _department in rng.sample(communes, 60):
        queries.append(("full name", name, code))
    for _code, name, _department in rng.sample(communes, 60):
        queries.append(("prefix 3-6 chars", name[: rng.randint(3, 6)], None))
    for code, name, _department in rng.sample(accented, 50):
        text = plain(name)
        queries.append(("lower, no accents", text.replace("-", " ") if rng.random() < 0.5 else text, code))
    for code, name, _department in rng.sample(saints, 50):
        text = plain(name).replace("-", " ")
        text = (
            "ste " + text[len("sainte ") :] if text.startswith("sainte ") else "st " + text[len("saint ") :]
        )
        queries.append(("st/ste abbreviation", text, code))
    for code, name, department in rng.sample(communes, 20):
        queries.append(("name + department", f"{plain(name).replace('-', ' ')} {department}", code))
    for postal in rng.sample(postal_codes, 40):
        queries.append(("postal code", postal, None))
    for code, _name, _department in rng.sample(communes, 40):
        queries.append(("INSEE code", code, code))
    for postal in rng.sample(postal_codes, 20):
        queries.append(("code prefix 2-3", postal[: rng.randint(2, 3)], None))
    rng.shuffle(queries)
    return queries, [code for code, _name, _department in rng.sample(communes, len(queries))]


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - started) * 1000, result


def summary(values):
    return (
        f"p50 {percentile(values, 50):.2f} ms, p95 {percentile(values, 95):.2f} ms, max {max(values):.2f} ms"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_arguments(parser)
    parser.add_argument("--seed", type=int, default=20240601, help="random seed for the sample")
    args = parser.parse_args()
    url = full_data_url(args.database_url, rebuild=args.rebuild)
    setup_django(url)

    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from territories.models import Commune
    from territories.queries import search_communes

    print_context("Commune search latency (territories.queries.search_communes)", url)
    queries, codes = build_queries(args.seed)

    def search(query):
        return list(search_communes(query)[:10])

    for _category, query, _code in queries:  # warm-up: connection, caches
        search(query)
    results = []
    for category, query, expected in queries:
        ms, rows = timed(search, query)
        found = expected is None or expected in {row.code for row in rows}
        results.append((category, query, ms, len(rows), found, expected))

    for code in codes[:50]:  # warm-up
        Commune.objects.get(code=code)
    baseline = []
    for code in codes:
        started = time.perf_counter()
        Commune.objects.get(code=code)
        baseline.append((time.perf_counter() - started) * 1000)

    print(f"{len(queries)} queries from the data (seed {args.seed}), each timed once after a warm-up pass;")
    print("time = list(search_communes(q)[:10]) (one SQL query with the department joined).")
    print()
    rows = []
    categories = list(dict.fromkeys(item[0] for item in results))
    for category in categories + ["all"]:
        items = [item for item in results if category in ("all", item[0])]
        times = [item[2] for item in items]
        checked = [item for item in items if item[5] is not None]
        rows.append(
            [
                category,
                len(items),
                f"{percentile(times, 50):.2f}",
                f"{percentile(times, 95):.2f}",
                f"{max(times):.2f}",
                sum(1 for item in items if item[3] == 0),
                f"{sum(item[4] for item in checked)}/{len(checked)}" if checked else "-",
            ]
        )
    print(
        table(
            rows,
            ["queries", "n", "p50 ms", "p95 ms", "max ms", "no result", "source commune in top 10"],
            "lrrrrrr",
        )
    )
    print()
    all_times = [item[2] for item in results]
    print(f"search:   {summary(all_times)}")
    print(f"baseline: {len(baseline)} × Commune.objects.get(code=...): {summary(baseline)}")
    print(
        f"ratio search/baseline: p50 {ratio(percentile(all_times, 50), percentile(baseline, 50))}, "
        f"p95 {ratio(percentile(all_times, 95), percentile(baseline, 95))}"
    )
    print()

    slowest = sorted(results, key=lambda item: -item[2])[:8]
    print("Slowest queries (total matches counted separately):")
    print(
        table(
            [
                [f"{item[2]:.2f}", item[0], repr(item[1]), search_communes(item[1]).count()]
                for item in slowest
            ],
            ["ms", "category", "query", "matches"],
            "rllr",
        )
    )
    misses = [item for item in results if not item[4]]
    if misses:
        print()
        print("Source commune not in the first 10 results:")
        for item in misses[:10]:
            top = [row.display_name for row in search_communes(item[1])[:3]]
            print(f"  {item[0]}: {item[1]!r} (expected {item[5]}); first results: {', '.join(top)}")
    print()
    print(f"Query plan of the slowest one ({slowest[0][1]!r}, {connection.vendor}):")
    for line in search_communes(slowest[0][1])[:10].explain().splitlines():
        print("  " + line)
    print()

    setup_test_environment()  # ALLOWED_HOSTS gets "testserver"
    client = Client()
    for _category, query, _code in queries[:20]:
        client.get("/api/v1/communes", {"q": query, "limit": 8})
    api_times, errors = [], 0
    for _category, query, _code in queries:
        started = time.perf_counter()
        response = client.get("/api/v1/communes", {"q": query, "limit": 8})
        api_times.append((time.perf_counter() - started) * 1000)
        errors += response.status_code != 200
    print(f"API /api/v1/communes?q=…&limit=8 through django.test.Client, {len(queries)} requests:")
    print(f"  {summary(api_times)}; non-200 responses: {errors}")
    print(
        f"  ratio API/search: p50 {ratio(percentile(api_times, 50), percentile(all_times, 50))}, "
        f"p95 {ratio(percentile(api_times, 95), percentile(all_times, 95))}"
    )


if __name__ == "__main__":
    sys.exit(main())
