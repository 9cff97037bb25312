"""The follow-up at scale: SQL queries and server time of the commune's board, an item page,
a department page and a barometer's national page.

    .venv/bin/python bench/followup_board.py [--rebuild] [--communes 5000] [--items 20]
        [--updates 10] [--requests 20]

The database is var/bench-followup.sqlite3, a copy of the cached full-data file
var/bench.sqlite3 (never written to), migrated, into which a child process of this script
(`--generate`) writes with bulk inserts: --communes real communes (department 90 left out)
each committed by a council deliberation to --items items of the Pacte, with --updates
updates per item (both voices in turn) and both voices' states; the Pacte's barometers of
last year and of this year (open), each voice of each commune rating each item; and the
baseline, one commune of department 90 committed to one other Pacte item (one update) and
one item of the EGM charter, rated in this year's EGM barometer. Rebuilt when the base file,
a migration, the frameworks' data, this script or these options change (digest in
var/bench-followup.sqlite3.stamp). Updates and ratings are written without their history
rows (django-simple-history's), which no measured page reads.

1. SQL queries per page (django.test.Client, a warm request), the big case against the
   baseline: they must be equal. Big: a commune with --items items × --updates updates and
   two years of ratings; item 26 (committed and rated by every commune); the department
   with the most communes; the Pacte's barometer. Baseline: the commune of department 90
   (one item, one update); the item only it committed to; department 90; the EGM
   barometer (one commune, one item).
2. Server time (in-process test client, Accept-Encoding: gzip): --requests rounds after
   two warm-up rounds, URLs interleaved; median and p95, and the ratio against the big
   commune's own page (/communes/<INSEE>/). No assertion on time.
"""

import argparse
import hashlib
import os
import random
import sqlite3
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from _common import (
    CACHED_DB,
    CACHED_DB_STAMP,
    PYTHON,
    ROOT,
    base_env,
    ensure_cached_database,
    log,
    manage,
    percentile,
    print_context,
    ratio,
    run_measured,
    setup_django,
    sqlite_url,
    table,
)

FOLLOWUP_DB = CACHED_DB.with_name("bench-followup.sqlite3")
FOLLOWUP_DB_STAMP = FOLLOWUP_DB.with_name(FOLLOWUP_DB.name + ".stamp")
PACTE, EGM = "pacte-pour-la-transition", "egm-charte-commune-accueillante"
SMALL_DEPARTMENT = "90"
CAMPAIGN = "bench-suivi-2026"
CHUNK = 200  # communes written per round of bulk inserts


# --- the database ------------------------------------------------------------------------------


def _stamp(args):
    digest = hashlib.sha256(CACHED_DB_STAMP.read_bytes())
    digest.update(f"{args.communes}/{args.items}/{args.updates}".encode())
    paths = [Path(__file__), *sorted(ROOT.glob("*/migrations/*.py")), *sorted(ROOT.glob("frameworks/data/*"))]
    for path in paths:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def database(args):
    """The benchmark's database URL, built (copy, migrate, generate) when missing or stale."""
    ensure_cached_database(rebuild=args.rebuild)
    stamp = _stamp(args)
    if FOLLOWUP_DB.exists() and FOLLOWUP_DB_STAMP.exists() and FOLLOWUP_DB_STAMP.read_text().strip() == stamp:
        return sqlite_url(FOLLOWUP_DB), None
    building = FOLLOWUP_DB.with_name(FOLLOWUP_DB.name + ".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    log(f"Building {FOLLOWUP_DB.relative_to(ROOT)}: copy, migrate, generate (a few minutes)…")
    source, target = sqlite3.connect(CACHED_DB), sqlite3.connect(building)
    source.backup(target)
    source.close()
    target.close()
    env = base_env(DATABASE_URL=sqlite_url(building))
    manage("migrate", "--no-input", "-v0", env=env)
    command = [PYTHON, __file__, "--generate", "--communes", str(args.communes)]
    command += ["--items", str(args.items), "--updates", str(args.updates)]
    result = run_measured(command, env=env).check()
    log(result.stdout.strip())
    connection = sqlite3.connect(building)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.execute("ANALYZE")
    connection.close()
    FOLLOWUP_DB_STAMP.unlink(missing_ok=True)
    os.replace(building, FOLLOWUP_DB)
    for suffix in ("-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
        Path(f"{FOLLOWUP_DB}{suffix}").unlink(missing_ok=True)
    FOLLOWUP_DB_STAMP.write_text(stamp + "\n")
    return sqlite_url(FOLLOWUP_DB), result


# --- the generator (child process) ---------------------------------------------------------------


def barometer_dates(today):
    """This year's barometer: open since a few days (within the year), for a month."""
    opens_on = max(date(today.year, 1, 1), today - timedelta(days=5))
    return opens_on, today + timedelta(days=25)


def commit(models, campaign, framework, commune_ids, items, created_at):
    """Council deliberations committing each commune to the items; the commitments for the mandate."""
    Target, Commitment, CommitmentItem, MandateCommitment = models
    targets = Target.objects.bulk_create(
        Target(campaign=campaign, commune_id=pk, status=Target.Status.COMMITTED) for pk in commune_ids
    )
    commitments = Commitment.objects.bulk_create(
        Commitment(
            target=target,
            framework=framework,
            channel=Commitment.Channel.DELIBERATION,
            signatory_name="Conseil municipal",
            signatory_role="conseil municipal",
            signed_on=created_at.date(),
            deliberation_reference=f"2026-{target.commune_id}",
        )
        for target in targets
    )
    CommitmentItem.objects.bulk_create(
        (CommitmentItem(commitment=commitment, item=item) for commitment in commitments for item in items),
        batch_size=5000,
    )
    MandateCommitment.objects.bulk_create(
        MandateCommitment(
            commune_id=target.commune_id,
            campaign=campaign,
            commitment=commitment,
            start_year=2026,
            end_year=2032,
            created_at=created_at,
        )
        for target, commitment in zip(targets, commitments, strict=True)
    )


def follow_up(commune_ids, items, updates_per_item, now, rng):
    """Each item's updates, both voices in turn, and the voices' states (their last update)."""
    from followup.models import ItemState, Status, Update, Voice

    voices = (Voice.MUNICIPALITY, Voice.CIVIL_SOCIETY)
    statuses = Status.values
    updates = []
    for pk in commune_ids:
        for item in items:
            for number in range(updates_per_item):
                voice = voices[number % 2]
                moment = now - timedelta(days=10 * (updates_per_item - number), minutes=rng.randint(0, 600))
                updates.append(
                    Update(
                        commune_id=pk,
                        item=item,
                        kind=voice,
                        voice=voice,
                        text=f"Point d’étape n° {number + 1} : où en est cet engagement.",
                        status=rng.choice(statuses),
                        progress=rng.randint(0, 100),
                        created_at=moment,
                        published_at=moment,
                    )
                )
    updates = Update.objects.bulk_create(updates, batch_size=5000)
    last = {}
    for update in updates:  # in order: the last one of each voice wins
        last[(update.commune_id, update.item_id, update.voice)] = update
    ItemState.objects.bulk_create(
        (
            ItemState(
                commune_id=commune_id,
                item_id=item_id,
                voice=voice,
                status=update.status,
                progress=update.progress,
                version=updates_per_item // 2,
                last_update=update,
                updated_at=update.published_at,
            )
            for (commune_id, item_id, voice), update in last.items()
        ),
        batch_size=5000,
    )
    return len(updates)


def rate(barometers, commune_ids, items, rng):
    from followup.models import Rating, Voice

    ratings = (
        Rating(
            barometer=barometer,
            commune_id=pk,
            item=item,
            voice=voice,
            score=rng.randint(1, 5),
            comment="Commentaire du baromètre." if rng.random() < 0.2 else "",
        )
        for barometer in barometers
        for pk in commune_ids
        for item in items
        for voice in Voice.values
    )
    return len(Rating.objects.bulk_create(ratings, batch_size=5000))


def generate(args):  # size: one generation script, step after step
    setup_django(os.environ["DATABASE_URL"])
    from django.db import transaction
    from django.utils import timezone

    from campaigns.models import Campaign, Target
    from commitments.models import Commitment, CommitmentItem, MandateCommitment
    from followup.models import Barometer
    from frameworks.models import Framework
    from frameworks.services import frameworks_load
    from territories.models import Commune

    started = time.perf_counter()
    rng = random.Random(2026)
    frameworks_load()
    pacte = Framework.objects.get(slug=PACTE, is_current=True)
    egm = Framework.objects.get(slug=EGM, is_current=True)
    pacte_items = list(pacte.items.order_by("position"))
    measure_26 = next(item for item in pacte_items if item.code == "26")
    others = [item for item in pacte_items if item is not measure_26]
    big_items = [measure_26, *others[: args.items - 1]]
    small_item = others[args.items - 1]
    egm_item = egm.items.order_by("position").first()
    communes = list(
        Commune.objects.filter(is_active=True, kind=Commune.Kind.COMMUNE)
        .exclude(department__code=SMALL_DEPARTMENT)
        .order_by("code")
        .values_list("pk", flat=True)
    )
    big = sorted(rng.sample(communes, args.communes))
    small = (
        Commune.objects.filter(department__code=SMALL_DEPARTMENT, is_active=True)
        .order_by("-population")
        .first()
    )
    now = timezone.now()
    today = timezone.localdate()
    opens_on, closes_on = barometer_dates(today)
    models = (Target, Commitment, CommitmentItem, MandateCommitment)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            title="Banc d’essai du suivi",
            slug=CAMPAIGN,
            kind=Campaign.Kind.ELECTION,
            first_round=date(2026, 3, 15),
        )
        campaign.frameworks.set([pacte, egm])
        earlier = Barometer.objects.create(
            framework=pacte,
            framework_slug=PACTE,
            year=today.year - 1,
            opens_on=date(today.year - 1, 4, 1),
            closes_on=date(today.year - 1, 6, 30),
        )
        current = Barometer.objects.create(
            framework=pacte, framework_slug=PACTE, year=today.year, opens_on=opens_on, closes_on=closes_on
        )
        egm_barometer = Barometer.objects.create(
            framework=egm, framework_slug=EGM, year=today.year, opens_on=opens_on, closes_on=closes_on
        )
        # The baseline: one commune, one item of the Pacte (one update), one of the EGM charter.
        commit(models, campaign, pacte, [small.pk], [small_item], now - timedelta(days=400))
        small_target_egm = Target.objects.get(campaign=campaign, commune=small)
        egm_commitment = Commitment.objects.create(
            target=small_target_egm,
            framework=egm,
            channel=Commitment.Channel.DELIBERATION,
            signatory_name="Conseil municipal",
            signatory_role="conseil municipal",
            signed_on=today - timedelta(days=400),
        )
        CommitmentItem.objects.create(commitment=egm_commitment, item=egm_item)
        MandateCommitment.objects.create(
            commune=small, campaign=campaign, commitment=egm_commitment, start_year=2026, end_year=2032
        )
        follow_up([small.pk], [small_item], 1, now, rng)
        rate([current], [small.pk], [small_item], rng)
        rate([egm_barometer], [small.pk], [egm_item], rng)
    counts = {"updates": 0, "ratings": 0}
    for start in range(0, len(big), CHUNK):
        chunk = big[start : start + CHUNK]
        with transaction.atomic():
            commit(models, campaign, pacte, chunk, big_items, now - timedelta(days=400))
            counts["updates"] += follow_up(chunk, big_items, args.updates, now, rng)
            counts["ratings"] += rate([earlier, current], chunk, big_items, rng)
        log(f"  {start + len(chunk)}/{len(big)} communes written ({time.perf_counter() - started:.0f} s)")
    print(
        f"Generated {len(big)} communes × {len(big_items)} items: {counts['updates']} updates, "
        f"{counts['ratings']} ratings (2 barometers); baseline {small.code} {small.name}; "
        f"{time.perf_counter() - started:.1f} s"
    )
    return 0


# --- measurements ------------------------------------------------------------------------------


def pages():
    """(label, big URL, baseline URL) of each measured page, and the baseline page's URL."""
    from django.db.models import Count

    from followup.models import Barometer, Rating
    from territories.models import Commune

    small = (
        Commune.objects.filter(department__code=SMALL_DEPARTMENT, is_active=True)
        .order_by("-population")
        .first()
    )
    egm = Barometer.objects.get(framework_slug=EGM)
    current = Barometer.objects.filter(framework_slug=PACTE).order_by("-year").first()
    big = (
        Rating.objects.filter(barometer=current)
        .exclude(commune=small)
        .values("commune__code")
        .order_by("commune__code")
        .first()["commune__code"]
    )
    small_item = Rating.objects.filter(barometer=current, commune=small).select_related("item").first().item
    department = (
        Commune.objects.filter(pk__in=Rating.objects.filter(barometer=current).values("commune_id"))
        .values("department__code")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()["department__code"]
    )
    return [
        ("commune board", f"/communes/{big}/suivi/", f"/communes/{small.code}/suivi/"),
        (
            "item page",
            f"/referentiels/{PACTE}/engagements/26/",
            f"/referentiels/{PACTE}/engagements/{small_item.code}/",
        ),
        ("department page", f"/departements/{department}/", f"/departements/{SMALL_DEPARTMENT}/"),
        ("barometer page", current.get_absolute_url(), egm.get_absolute_url()),
    ], f"/communes/{big}/"


def query_count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: the same request again is measured
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return len(captured)


def server_times(client, urls, rounds):
    times = {url: [] for url in urls}
    for _round in range(2):
        for url in urls:
            client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    for _round in range(rounds):
        for url in urls:
            started = time.perf_counter()
            response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
            times[url].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
    return times


def describe():
    from followup.models import ItemState, Rating, Update

    return f"{Update.objects.count()} updates, {ItemState.objects.count()} states, {Rating.objects.count()} ratings"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="rebuild var/bench.sqlite3 and this database")
    parser.add_argument("--communes", type=int, default=5000, help="committed communes (default 5000)")
    parser.add_argument("--items", type=int, default=20, help="committed items per commune (default 20)")
    parser.add_argument("--updates", type=int, default=10, help="updates per item (default 10)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per URL (default 20)")
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        return generate(args)
    if args.rebuild:
        FOLLOWUP_DB_STAMP.unlink(missing_ok=True)
    url, generated = database(args)
    setup_django(url)

    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    cache.clear()
    print_context("The follow-up at scale: board, item, department and barometer pages", url)
    print(f"Data: {describe()}")
    if generated:
        print(f"Generated in {generated.seconds:.0f} s, peak RSS {generated.max_rss_mib:.0f} MiB")
    print()

    client = Client()
    measured, baseline = pages()
    rows, equal = [], True
    for label, big, small in measured:
        big_count, small_count = query_count(client, big), query_count(client, small)
        equal &= big_count == small_count
        rows.append([label, big, big_count, small, small_count])
    print("1. SQL queries per request (a warm request), big case against the baseline")
    print(table(rows, ["page", "big", "queries", "baseline", "queries"], "llrlr"))
    print(f"Same number of queries whatever the data's size: {'yes' if equal else 'NO'}")
    print()

    urls = [baseline] + [url for _label, big, small in measured for url in (big, small)]
    log(f"Timing {args.requests} rounds of {len(urls)} URLs…")
    times = server_times(client, urls, args.requests)
    reference = statistics.median(times[baseline])
    rows = [
        [
            "commune page (baseline)",
            baseline,
            f"{reference:.1f}",
            f"{percentile(times[baseline], 95):.1f}",
            "1.0×",
        ]
    ]
    for label, big, small in measured:
        for suffix, address in (("", big), (" (baseline data)", small)):
            values = times[address]
            median = statistics.median(values)
            rows.append(
                [
                    label + suffix,
                    address,
                    f"{median:.1f}",
                    f"{percentile(values, 95):.1f}",
                    ratio(median, reference),
                ]
            )
    print(
        f"2. Server time per request (in-process test client, Accept-Encoding: gzip, "
        f"{args.requests} requests each after 2 warm-up rounds, URLs interleaved)"
    )
    print(table(rows, ["page", "URL", "p50 ms", "p95 ms", "× commune page"], "llrrr"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
