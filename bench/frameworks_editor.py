"""Framework pages and the online editor: server time and SQL queries per page.

A throwaway SQLite file (migrated, the three shipped frameworks loaded, plus a generated
framework of --items items with three ambition levels each) is read through
`django.test.Client` as a Pacte coordinator would: the public framework page, the draft page
(which checks the whole draft with the loader's rules and diffs it against the published
version), saving an item, the preview, the diff between versions, the YAML download, and
publishing. Baseline, measured in the same run: the public page of the EGM charter (6 items).
The SQL query count of each page must not grow with the number of items.
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import yaml
from _common import base_env, log, manage, percentile, print_context, ratio, setup_django, sqlite_url, table


def generated_framework(count):
    sections = [{"code": f"S{n}", "kind": "chapter", "title": f"Chapitre {n}"} for n in range(1, 11)]
    items = [
        {
            "code": f"{n:03d}",
            "section": f"S{n % 10 + 1}",
            "title": f"Engagement numéro {n} pour une commune accueillante",
            "summary": "La commune met en place une action concrète, suivie et évaluée avec les habitants. "
            * 3,
            "themes": ["first_welcome", "health"] if n % 2 else ["energy_climate"],
            "levels": [
                {"code": str(level), "title": f"Niveau {level} de l'engagement {n}"} for level in (1, 2, 3)
            ],
            "sources": ["https://example.org/charte"],
        }
        for n in range(1, count + 1)
    ]
    return {
        "slug": "charte-generee",
        "title": "Charte générée",
        "publisher": "pacte-pour-la-transition",
        "version": "1",
        "year": 2026,
        "source_url": "https://example.org/charte",
        "description": "Un référentiel généré pour mesurer.",
        "sections": sections,
        "items": items,
    }


def timed(function, runs):
    function()  # warm-up
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    return times, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--items", type=int, default=300, help="items of the generated framework (default 300)"
    )
    parser.add_argument("--runs", type=int, default=20, help="requests per page (default 20)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-frameworks-"))
    url = sqlite_url(folder / "db.sqlite3")
    log("Migrating a throwaway SQLite database…")
    manage("migrate", "--no-input", "-v0", env=base_env(DATABASE_URL=url))
    setup_django(url)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import translation

    from frameworks import drafts
    from frameworks.models import FrameworkDraft
    from frameworks.services import frameworks_load
    from tests.support import make_partner_coordinator

    setup_test_environment()  # ALLOWED_HOSTS gets "testserver"
    print_context("Framework pages and the online editor", url)
    generated = folder / "charte-generee.yaml"
    generated.write_text(
        yaml.safe_dump(generated_framework(args.items), allow_unicode=True), encoding="utf-8"
    )
    start = time.perf_counter()
    frameworks_load()
    load_shipped = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    frameworks_load([generated])
    load_generated = (time.perf_counter() - start) * 1000
    translation.activate("fr")
    user = make_partner_coordinator("bench@example.org", partner="pacte-pour-la-transition")
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(user)
    for slug in ("pacte-pour-la-transition", "charte-generee"):
        client.post(f"/referentiels/{slug}/brouillon/ouvrir/")

    def get(path):
        def fetch():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response

        return fetch

    def save_item(slug, code):
        def post():
            draft = FrameworkDraft.objects.get(slug=slug, published_at__isnull=True)
            item = next(item for item in draft.data["items"] if item["code"] == code)
            response = client.post(
                f"/referentiels/{slug}/brouillon/engagements/{code}/",
                {
                    "revision": draft.revision,
                    "code": code,
                    "section": item["section"],
                    "title": item["title"],
                    "summary": item["summary"] + " ",
                    "themes": item.get("themes") or [],
                    "levels": "\n".join(level["title"] for level in item.get("levels") or []),
                    "sources": "\n".join(item.get("sources") or []),
                    "confidence": item.get("confidence", "confirmed"),
                },
            )
            assert response.status_code == 302, response.content[:500]
            return response

        return post

    pages = [
        ("public page, EGM (6 items): baseline", get("/referentiels/egm-charte-commune-accueillante/")),
        ("public page, Pacte (31 items)", get("/referentiels/pacte-pour-la-transition/")),
        (f"public page, generated ({args.items} items)", get("/referentiels/charte-generee/")),
        ("item page, Pacte 26", get("/referentiels/pacte-pour-la-transition/engagements/26/")),
        ("draft page, Pacte", get("/referentiels/pacte-pour-la-transition/brouillon/")),
        (f"draft page, generated ({args.items})", get("/referentiels/charte-generee/brouillon/")),
        ("save an item, Pacte draft", save_item("pacte-pour-la-transition", "26")),
        (
            f"save an item, generated draft ({args.items})",
            save_item("charte-generee", f"{args.items // 2:03d}"),
        ),
        ("preview, Pacte draft", get("/referentiels/pacte-pour-la-transition/brouillon/apercu/")),
        (f"preview, generated draft ({args.items})", get("/referentiels/charte-generee/brouillon/apercu/")),
        ("YAML download, Pacte", get("/referentiels/pacte-pour-la-transition/yaml/")),
        (f"YAML download, generated ({args.items})", get("/referentiels/charte-generee/yaml/")),
    ]
    rows, baseline = [], None
    for label, function in pages:
        connection.queries_log.clear()  # a bounded deque: a full one would count nothing
        with CaptureQueriesContext(connection) as captured:
            function()
        queries = len(captured.captured_queries)
        times, _ = timed(function, args.runs)
        p50 = statistics.median(times)
        baseline = baseline or p50
        rows.append([label, queries, f"{p50:.1f}", f"{percentile(times, 95):.1f}", ratio(p50, baseline)])

    publish = []
    for slug in ("pacte-pour-la-transition", "charte-generee"):
        draft = FrameworkDraft.objects.get(slug=slug, published_at__isnull=True)
        start = time.perf_counter()
        drafts.draft_publish(draft=draft, revision=draft.revision, user=user)
        publish.append((time.perf_counter() - start) * 1000)
    for label, path in (
        ("diff page, Pacte 2020 → new version", "/referentiels/pacte-pour-la-transition/comparer/"),
        (f"diff page, generated ({args.items})", "/referentiels/charte-generee/comparer/"),
    ):
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            get(path)()
        queries = len(captured.captured_queries)
        times, _ = timed(get(path), args.runs)
        p50 = statistics.median(times)
        rows.append([label, queries, f"{p50:.1f}", f"{percentile(times, 95):.1f}", ratio(p50, baseline)])
    print(table(rows, ["page", "SQL", "p50 ms", "p95 ms", "× baseline"], "lrrrr"))
    print()
    print(
        f"load_frameworks, the three shipped files: {load_shipped:.0f} ms; the generated one: {load_generated:.0f} ms"
    )
    print(
        f"publish a new version: Pacte {publish[0]:.0f} ms, generated ({args.items} items) {publish[1]:.0f} ms"
    )


if __name__ == "__main__":
    main()
