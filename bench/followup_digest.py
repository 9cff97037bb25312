"""Following at scale: the fan-out of an update to 10,000 followers, and the weekly digests
(`send_digests`) of 10,000 people, in time, SQL statements and peak memory.

    .venv/bin/python bench/followup_digest.py [--followers 10000] [--communes 100] [--rebuild]

The database is a copy of the cached full-data file var/bench.sqlite3 in a temporary
folder (the shared file is never written to), migrated, with the frameworks loaded. Into
it: --followers people (a tenth reading English), each following Saint-Denis (93066) and
one of --communes other communes (in turn); one published update in each of those
communes, already fanned out (one notification per follower), so that each person has
two events, in two communes, waiting for their digest.

Each step runs in a child process, with the task backend in immediate mode (each task
runs in the process that queues it, as in development) and the dummy email backend (the
emails are built and handed over, then dropped: none is kept in memory). Printed: the
time measured in the child around the call (Django set-up excluded), its SQL statements,
the peak of Python's allocations during the call (tracemalloc, in a second run of the
same step on the same data, since tracing slows it down), and the child's own peak RSS
(os.wait4()).

1. fan-out: Saint-Denis's update to its --followers followers (delivery.fan_out: pages
   of ids, bulk inserts).
2. send_digests: one task per person, each building and sending one email.
Baseline: a child that, for each follower, reads the person (one query by primary key),
renders a two-line email and sends it (same backend): the floor of any per-person email;
the ratio is step time / baseline time.
"""

import argparse
import json
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from _common import (
    PYTHON,
    base_env,
    ensure_cached_database,
    log,
    manage,
    print_context,
    ratio,
    run_measured,
    setup_django,
    sqlite_url,
    table,
)

THIS = str(Path(__file__).resolve())
BIG = "93066"
AUTHOR = "bench-digest-author@example.org"
CHILD_ENV = {
    "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    "SITE_URL": "https://hospitalite.example.org",
}


# --- set-up ----------------------------------------------------------------------------------------


def prepare(database_url, followers, communes_count):
    """Followers, their subscriptions, the updates, and the small communes' fan-outs."""
    setup_django(database_url)
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from followup.events import EVENT
    from followup.models import Update
    from frameworks.models import Framework
    from frameworks.services import frameworks_load
    from notifications import delivery
    from notifications.models import Subscription
    from territories.models import Commune

    frameworks_load()
    pacte = Framework.objects.get(slug="pacte-pour-la-transition", is_current=True)
    item = pacte.items.order_by("position").first()
    author = User.objects.create_user(email=AUTHOR, display_name="Adjointe au maire")
    communes = list(
        Commune.objects.active()
        .filter(kind=Commune.Kind.COMMUNE)
        .exclude(code=BIG)
        .order_by("-population")
        .only("pk")[:communes_count]
    )
    big = Commune.objects.only("pk").get(code=BIG)
    now = timezone.now()
    updates = {}
    for commune in [big, *communes]:
        updates[commune.pk] = Update.objects.create(
            commune=commune,
            item=item,
            kind="municipality",
            voice="municipality",
            text="Le lieu d’accueil **ouvre** en mai, avec *dix places* de plus.",
            status="in_progress",
            progress=40,
            created_by=author,
            published_at=now,
        )
    User.objects.bulk_create(
        [
            User(email=f"follower{index}@example.org", password="!", language="fr" if index % 10 else "en")
            for index in range(followers)
        ],
        batch_size=2000,
    )
    people = list(User.objects.filter(email__startswith="follower").values_list("pk", flat=True))
    rows = []
    for index, user_id in enumerate(people):
        rows.append(Subscription(user_id=user_id, commune_id=big.pk))
        rows.append(Subscription(user_id=user_id, commune_id=communes[index % len(communes)].pk))
    Subscription.objects.bulk_create(rows, batch_size=5000)
    for commune in communes:
        delivery.fan_out(
            event=EVENT,
            object_id=updates[commune.pk].pk,
            commune_id=commune.pk,
            item_ids=[item.pk],
            group_ids=[],
            author_ids=[author.pk],
        )
    connection.close()  # children write to this database
    return {"update": updates[big.pk].pk, "commune": big.pk, "item": item.pk, "author": author.pk}


# --- child processes -----------------------------------------------------------------------------------


def child(args):
    """One measured step (twice when --trace: tracemalloc's peak); prints a JSON line."""
    setup_django(args.database_url)
    from django.core.mail import EmailMultiAlternatives
    from django.core.management import call_command
    from django.db import connection
    from django.template import Context, Template

    from accounts.models import User
    from followup.events import EVENT
    from notifications import delivery
    from notifications.models import Notification, Preference

    context = json.loads(args.context)
    if args.child == "baseline":
        followers = list(User.objects.filter(email__startswith="follower").values_list("pk", flat=True))
    statements = 0

    def count(execute, sql, params, many, call_context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, call_context)

    def step():
        if args.child == "baseline":
            template = Template("Bonjour {{ user.email }},\n\n{{ user.language }}\n")
            for user_id in followers:
                user = User.objects.get(pk=user_id)
                EmailMultiAlternatives(
                    subject="Bench",
                    body=template.render(Context({"user": user})),
                    from_email="a@example.org",
                    to=[user.email],
                ).send()
        elif args.child == "fan-out":
            delivery.fan_out(
                event=EVENT,
                object_id=context["update"],
                commune_id=context["commune"],
                item_ids=[context["item"]],
                group_ids=[],
                author_ids=[context["author"]],
            )
        else:
            call_command("send_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115

    def reset():
        """The same work again: the big fan-out undone, or the digests not sent yet."""
        if args.child == "fan-out":
            Notification.objects.filter(event=EVENT, object_id=context["update"]).delete()
        elif args.child == "send_digests":
            Notification.objects.update(claimed_at=None, sent_at=None)
            Preference.objects.update(last_digest_at=None)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        step()
        seconds = time.perf_counter() - started
    result = {"seconds": seconds, "queries": statements}
    if args.child == "send_digests":
        result["digests"] = Preference.objects.filter(last_digest_at__isnull=False).count()
        result["pending"] = Notification.objects.filter(sent_at__isnull=True).count()
    if args.child == "fan-out":
        told = Notification.objects.filter(event=EVENT, object_id=context["update"])
        result["notifications"] = told.count()
    reset()
    tracemalloc.start()
    step()
    result["traced_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    reset()
    print(json.dumps(result))


def run_child(step, database_url, context):
    command = [PYTHON, THIS, "--child", step, "--database-url", database_url]
    command += ["--context", json.dumps(context)]
    result = run_measured(command, env=base_env(**CHILD_ENV)).check()
    return {**json.loads(result.stdout.strip().splitlines()[-1]), "rss": result.max_rss_mib}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=10_000, help="people following (default 10000)")
    parser.add_argument("--communes", type=int, default=100, help="other communes followed (default 100)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild var/bench.sqlite3 first")
    parser.add_argument("--child", choices=["baseline", "fan-out", "send_digests"], help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--context", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    with tempfile.TemporaryDirectory(prefix="hospitalite-bench-") as folder:
        source = ensure_cached_database(rebuild=args.rebuild)
        copy = Path(folder) / "digest.sqlite3"
        log(f"Copying {source.name} and migrating the copy…")
        shutil.copyfile(source, copy)
        database_url = sqlite_url(copy)
        manage("migrate", "--no-input", "-v0", env=base_env(DATABASE_URL=database_url))
        log(f"{args.followers:,} followers, their subscriptions and notifications…")
        started = time.perf_counter()
        context = prepare(database_url, args.followers, args.communes)
        context["followers"] = args.followers
        log(f"  ready in {time.perf_counter() - started:.0f} s")

        print_context(f"Following: fan-out and weekly digests of {args.followers:,} followers", database_url)
        print(
            f"{args.followers:,} people follow Saint-Denis and one of {args.communes} other communes; "
            "each has 2 events in 2 communes waiting. Immediate tasks, dummy email backend."
        )
        print()
        results = {}
        for label, step in [
            ("baseline: 1 query + 1 email each", "baseline"),
            ("fan-out of one update", "fan-out"),
            ("send_digests", "send_digests"),
        ]:
            log(f"  {label}…")
            results[label] = run_child(step, database_url, context)

    baseline = results["baseline: 1 query + 1 email each"]["seconds"]
    rows = []
    for label, result in results.items():
        rows.append(
            [
                label,
                f"{result['seconds']:.2f} s",
                f"{args.followers / result['seconds']:,.0f}",
                str(result["queries"]),
                f"{result['traced_peak_mib']:.1f} MiB",
                f"{result['rss']:.0f} MiB",
                ratio(result["seconds"], baseline),
            ]
        )
    print(
        table(
            rows,
            ["step", "time", "people/s", "SQL", "peak (tracemalloc)", "peak RSS", "× baseline"],
            "lrrrrrr",
        )
    )
    digests = results["send_digests"]
    print()
    print(
        f"send_digests: {digests['digests']:,} digests sent, {digests['pending']:,} notifications left pending; "
        f"fan-out: {results['fan-out of one update']['notifications']:,} notifications written."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
