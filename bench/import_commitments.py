"""Import of signed commitments (campaigns.imports): 20,000 rows as CSV and as XLSX.

    .venv/bin/python bench/import_commitments.py [--rows 20000] [--seed 1] [--rebuild]
        [--database-url URL]

The database is a copy of the cached full-data file var/bench.sqlite3 in a
temporary folder (the shared file is never written to), migrated, with the
frameworks loaded and two election campaigns (Pacte + ANVITA charter), one
per format. With --database-url, that database is used instead: it must be a
throwaway one (two campaigns and their 20,000 signatures are written into it),
for example a cluster from scripts/with_postgres.py.

The file: --rows distinct real communes drawn with a fixed seed, one list
each; half identified by INSEE code, half by name + department; Pacte or
ANVITA items; a third of the lists elected (so mandate commitments are
written too). Each step runs in a child process whose own peak RSS comes
from os.wait4(); the time printed is measured inside the child around the
call (Django set-up excluded), with the SQL statements counted.

Steps per format: import_check (dry run), import_apply (everything created)
and import_apply again (everything unchanged). Baseline: a child process that
sets Django up and merely reads the rows (csv.reader, or openpyxl read-only);
the ratio is step time / baseline time.
"""

import argparse
import csv
import io
import json
import random
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from _common import (
    PYTHON,
    base_env,
    ensure_cached_database,
    log,
    manage,
    prepare_database,
    print_context,
    ratio,
    run_measured,
    setup_django,
    sqlite_url,
    table,
)

THIS = str(Path(__file__).resolve())
USER_EMAIL = "bench-import@example.org"
FORMATS = ("csv", "xlsx")


# --- child processes -------------------------------------------------------------------------


def child(args):
    """One measured step; prints a JSON line."""
    setup_django(args.database_url)
    from django.db import connection

    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    result = {}
    if args.child == "read":
        started = time.perf_counter()
        rows = 0
        if args.file.endswith(".csv"):
            with open(args.file, encoding="utf-8-sig", newline="") as handle:
                for _row in csv.reader(handle, delimiter=";"):
                    rows += 1
        else:
            import openpyxl

            workbook = openpyxl.load_workbook(args.file, read_only=True, data_only=True)
            for _row in workbook.worksheets[0].iter_rows(values_only=True):
                rows += 1
            workbook.close()
        result = {"seconds": time.perf_counter() - started, "rows": rows}
    else:
        from accounts.models import User
        from campaigns.imports import import_apply, import_check
        from campaigns.models import Campaign

        campaign = Campaign.objects.get(slug=args.campaign)
        user = User.objects.get(email=USER_EMAIL)
        with open(args.file, "rb") as handle, connection.execute_wrapper(count):
            started = time.perf_counter()
            if args.child == "check":
                report = import_check(handle, campaign=campaign)
            else:
                report = import_apply(handle, campaign=campaign, user=user)
            seconds = time.perf_counter() - started
        result = {"seconds": seconds, "queries": statements, "counts": report.counts}
    print(json.dumps(result))


def run_child(step, database_url, path, campaign=""):
    command = [PYTHON, THIS, "--child", step, "--file", str(path), "--campaign", campaign]
    command += ["--database-url", database_url]
    result = run_measured(command, env=base_env()).check()
    return {
        **json.loads(result.stdout.strip().splitlines()[-1]),
        "wall": result.seconds,
        "rss": result.max_rss_mib,
    }


# --- set-up ----------------------------------------------------------------------------------


def prepare(database_url, rows, seed, folder):
    """Frameworks, a user, one campaign per format, and the two files. Returns
    ({format: campaign slug}, {format: path})."""
    setup_django(database_url)
    from django.db import connection

    from accounts.models import User
    from actors.models import Organization
    from campaigns.imports import COLUMNS
    from campaigns.models import Campaign
    from campaigns.services import campaign_create
    from frameworks.models import Framework
    from frameworks.services import frameworks_load
    from territories.models import Commune, full_name

    frameworks_load()
    user = User.objects.filter(email=USER_EMAIL).first() or User.objects.create_user(
        email=USER_EMAIL, password=None
    )
    frameworks = {framework.slug: framework for framework in Framework.objects.current()}
    pacte, anvita = frameworks["pacte-pour-la-transition"], frameworks["anvita-charte"]
    slugs = {}
    for fmt in FORMATS:
        campaign = campaign_create(
            user=user,
            title=f"Bench import {fmt} {time.strftime('%Y%m%d-%H%M%S')}",
            kind=Campaign.Kind.ELECTION,
            frameworks=[pacte, anvita],
            organizers=[Organization.objects.get(slug="egm")],
        )
        slugs[fmt] = campaign.slug
    codes = {
        framework.pk: list(framework.items.order_by("position").values_list("code", flat=True))
        for framework in (pacte, anvita)
    }

    communes = list(
        Commune.objects.active()
        .filter(kind=Commune.Kind.COMMUNE)
        .order_by("code")
        .values_list("code", "name", "name_type", "department__code")
    )
    if rows > len(communes):
        raise SystemExit(f"--rows is at most {len(communes)} (one row per commune)")
    rng = random.Random(seed)
    names = {}
    for _code, name, name_type, department in communes:
        key = (full_name(name, name_type), department)
        names[key] = names.get(key, 0) + 1
    table_rows = []
    for index, (code, name, name_type, department) in enumerate(sorted(rng.sample(communes, rows))):
        framework = pacte if index % 2 else anvita
        items = rng.sample(codes[framework.pk], rng.randint(1, min(5, len(codes[framework.pk]))))
        display = full_name(name, name_type)
        by_code = index % 2 == 0 or names[(display, department)] > 1
        table_rows.append(
            {
                "code_insee": code if by_code else "",
                "commune": display,
                "departement": department,
                "liste": f"Liste citoyenne {index}",
                "tete_de_liste": f"Personne {index}",
                "email": f"liste{index}@example.org" if index % 5 == 0 else "",
                "etiquette": "",
                "referentiel": framework.slug,
                "engagements": ";".join(items),
                "signataire": "",
                "qualite": "",
                "date_signature": date(2025, 1, 1) + timedelta(days=rng.randrange(300)),
                "elue": "oui" if index % 3 == 0 else "",
            }
        )
    connection.close()  # children write to this database

    paths = {fmt: Path(folder) / f"engagements.{fmt}" for fmt in FORMATS}
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in table_rows:
        writer.writerow(
            [
                value.strftime("%d/%m/%Y") if isinstance(value, date) else value
                for value in (row.get(column, "") for column in COLUMNS)
            ]
        )
    paths["csv"].write_bytes(buffer.getvalue().encode("utf-8-sig"))

    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(COLUMNS)
    for row in table_rows:
        sheet.append([row.get(column, "") for column in COLUMNS])
    workbook.save(paths["xlsx"])
    return slugs, paths


# --- main ------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000, help="rows of the file (default 20000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the drawing of communes")
    parser.add_argument(
        "--database-url", help="use this throwaway database (migrated, full data imported) instead of a copy"
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild var/bench.sqlite3 first")
    parser.add_argument("--child", choices=["read", "check", "apply"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--campaign", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    with tempfile.TemporaryDirectory(prefix="hospitalite-bench-") as folder:
        if args.database_url:
            database_url = prepare_database(args.database_url)
        else:
            source = ensure_cached_database(rebuild=args.rebuild)
            copy = Path(folder) / "import.sqlite3"
            log(f"Copying {source.name} and migrating the copy…")
            shutil.copyfile(source, copy)
            database_url = sqlite_url(copy)
            manage("migrate", "--no-input", "-v0", env=base_env(DATABASE_URL=database_url))
        log("Frameworks, campaigns and files…")
        slugs, paths = prepare(database_url, args.rows, args.seed, folder)

        print_context(f"Import of {args.rows:,} signed commitments (campaigns.imports)", database_url)
        print(
            f"Files: CSV (UTF-8, ';') {paths['csv'].stat().st_size / 1e6:.1f} MB, "
            f"XLSX {paths['xlsx'].stat().st_size / 1e6:.1f} MB; {args.rows:,} distinct communes, one list "
            "each, half by INSEE code and half by name + department, a third elected."
        )
        print()
        results = {}
        for fmt in FORMATS:
            steps = [
                ("baseline: read rows", "read"),
                ("import_check (dry run)", "check"),
                ("import_apply (all new)", "apply"),
                ("import_apply again (unchanged)", "apply"),
            ]
            results[fmt] = []
            for label, step in steps:
                log(f"  {fmt}: {label}…")
                results[fmt].append((label, run_child(step, database_url, paths[fmt], slugs[fmt])))

        for fmt in FORMATS:
            baseline = results[fmt][0][1]["seconds"]
            rows = []
            for label, result in results[fmt]:
                counts = result.get("counts")
                outcome = (
                    ", ".join(f"{key} {value}" for key, value in counts.items() if value) if counts else ""
                )
                rows.append(
                    [
                        label,
                        f"{result['seconds']:.2f} s",
                        f"{args.rows / result['seconds']:,.0f}",
                        f"{result['wall']:.2f} s",
                        f"{result['rss']:.0f} MiB",
                        result.get("queries", ""),
                        ratio(result["seconds"], baseline) if result is not results[fmt][0][1] else "",
                        outcome,
                    ]
                )
            print(fmt.upper())
            print(
                table(
                    rows,
                    ["step", "time", "rows/s", "child wall", "peak RSS", "SQL", "× baseline", "rows"],
                    "lrrrrrrl",
                )
            )
            print()
        print("time: measured in the child around the call; child wall: the whole child process,")
        print("Django set-up included; peak RSS: the child's own maximum (os.wait4); SQL: statements")
        print("executed (a multi-row INSERT counts once).")
    return None


if __name__ == "__main__":
    sys.exit(main())
