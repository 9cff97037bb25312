"""Co-construction at scale: SQL queries and server time of a commune's committee, meetings,
working groups, discussions and calendar feeds with 200 meetings, 50 working groups and
20,000 comments.

    .venv/bin/python bench/coconstruction.py [--rebuild] [--requests 20]

The database is var/bench-coconstruction.sqlite3, a copy of the cached full-data file
var/bench.sqlite3 (never written to), migrated, into which a child process of this script
(`--generate`, code in _coconstruction_data.py) writes with bulk inserts (no history rows:
no measured page reads them):

- big: Saint-Denis (93066) committed by a council deliberation to 20 items of the Pacte; its
  committee of 5 local groups (8 people each) and its verified municipal contact: 41
  members; 200 meetings, weekly (150 past, with minutes, attendance counts and 2 decisions
  each; 50 to come; one in five for members only, one in eight cancelled; 5 to 30
  registrations), the biggest public one and the biggest members-only one with every
  member registered and 6 decisions; 50 working groups (one in five for members only, one
  in three by invitation, one in seven closed with a conclusion; 5 to 15 members, 2 themes,
  2 items, 3 documents of 2 versions each); 20,000 comments: one discussion of 10,000 on
  item 26's follow-up (30 % replies, every 10th quoting, every 20th mentioning, every
  200th hidden), 1,000 in two discussions of the biggest meeting, 9,000 over 198 others
  (one of each of 98 other meetings, two of each working group);
- baseline: the biggest commune of department 90, committed to one item, with a committee
  of one group (2 people) and its contact; one meeting and one working group of each kind
  (public, members-only: the members-only code paths run on both sides), each with 1
  registration, 1 decision or 1 document, and 1 discussion of 1 comment; the item's
  discussion has 3 comments (one of them quoting another and mentioning someone, a reply),
  so that every kind of row a page reads exists on both sides.

Rebuilt when the base file, a migration, the frameworks' data or these scripts change
(digest in var/bench-coconstruction.sqlite3.stamp).

1. SQL queries per page (django.test.Client, a warm request), big against baseline,
   anonymous and signed in as a member of the committee (who sees the members-only
   meeting and working group and owns the private calendar link): they must be equal;
   when they are not, the statements that differ (literals and IN-list lengths aside).
2. Server time (in-process test client, Accept-Encoding: gzip, page cache off):
   --requests rounds after two warm-up rounds, URLs interleaved; p50 and p95, and the
   ratio against the big commune's own page (/communes/93066/). No assertion on time.
"""

import argparse
import hashlib
import logging
import os
import re
import sqlite3
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from _coconstruction_data import BIG, SMALL_DEPARTMENT, TOKENS, generate
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

COCON_DB = CACHED_DB.with_name("bench-coconstruction.sqlite3")
COCON_DB_STAMP = COCON_DB.with_name(COCON_DB.name + ".stamp")


def _stamp():
    digest = hashlib.sha256(CACHED_DB_STAMP.read_bytes())
    paths = [
        Path(__file__),
        *(ROOT / "bench" / name for name in ("_coconstruction_data.py", "followup_board.py")),
    ]
    paths += sorted(ROOT.glob("*/migrations/*.py"))
    for path in paths + sorted(ROOT.glob("frameworks/data/*")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def database(args):
    """The benchmark's database URL, built (copy, migrate, generate) when missing or stale."""
    ensure_cached_database(rebuild=args.rebuild)
    stamp = _stamp()
    if COCON_DB.exists() and COCON_DB_STAMP.exists() and COCON_DB_STAMP.read_text().strip() == stamp:
        return sqlite_url(COCON_DB), None
    building = COCON_DB.with_name(COCON_DB.name + ".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    log(f"Building {COCON_DB.relative_to(ROOT)}: copy, migrate, generate…")
    source, target = sqlite3.connect(CACHED_DB), sqlite3.connect(building)
    source.backup(target)
    source.close()
    target.close()
    env = base_env(DATABASE_URL=sqlite_url(building))
    manage("migrate", "--no-input", "-v0", env=env)
    result = run_measured([PYTHON, __file__, "--generate"], env=env).check()
    log(result.stdout.strip())
    connection = sqlite3.connect(building)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.execute("ANALYZE")
    connection.close()
    COCON_DB_STAMP.unlink(missing_ok=True)
    os.replace(building, COCON_DB)
    for suffix in ("-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
        Path(f"{COCON_DB}{suffix}").unlink(missing_ok=True)
    COCON_DB_STAMP.write_text(stamp + "\n")
    return sqlite_url(COCON_DB), result


# --- measurements ------------------------------------------------------------------------------


def _cast(code=None, department=None):
    """A committee's measured pages' addresses and its signed-in member (users[1] of the data)."""
    from django.db.models import Count, Q
    from django.utils.http import urlencode

    from accounts.models import User
    from coconstruction.models import Comment, Committee, Meeting, Thread, WorkingGroup
    from coconstruction.queries.discussions import COMMENTS_PER_PAGE

    found = Committee.objects.select_related("commune")
    committee = found.get(commune__code=code) if code else found.get(commune__department__code=department)
    commune = committee.commune
    meetings = committee.meetings.annotate(
        n=Count("registrations", distinct=True) + Count("decisions", distinct=True)
    ).order_by("-n", "pk")
    members_only = Meeting.Visibility.MEMBERS
    groups = committee.working_groups.annotate(
        n=Count("members", distinct=True) + Count("documents", distinct=True)
    ).order_by("-n", "pk")
    thread = (
        Thread.objects.filter(Q(commune=commune) | Q(meeting__committee=committee))
        .annotate(n=Count("comments"))
        .order_by("-n", "pk")
        .first()
    )
    top = Comment.objects.filter(thread=thread, parent__isnull=True).count()
    last_page = max(1, -(-top // COMMENTS_PER_PAGE))
    tag = "big" if code else "small"
    return {
        "commune page": f"/communes/{commune.code}/",
        "follow-up board": f"/communes/{commune.code}/suivi/",
        "committee page": committee.get_absolute_url(),
        "meeting page (biggest public)": meetings.exclude(visibility=members_only).first().get_absolute_url(),
        "meeting page (biggest members-only)*": (
            meetings.filter(visibility=members_only).first() or meetings.first()
        ).get_absolute_url(),
        "working group page (biggest public)": groups.exclude(visibility=WorkingGroup.Visibility.MEMBERS)
        .first()
        .get_absolute_url(),
        "working group page (members-only)*": (
            groups.filter(visibility=WorkingGroup.Visibility.MEMBERS).first() or groups.first()
        ).get_absolute_url(),
        "working groups list": "/chantiers/" + ("" if code else "?" + urlencode({"q": commune.name})),
        "biggest discussion, first page": thread.get_absolute_url(),
        "biggest discussion, last page": f"{thread.get_absolute_url()}?page={last_page}",
        "item follow-up (decisions, discussion)": f"/communes/{commune.code}/suivi/engagements/{thread.item_id}/",
        "commune calendar (iCal)": f"/communes/{commune.code}/comite/agenda.ics",
        "person's calendar (iCal)*": f"/agenda/{TOKENS[tag]}.ics",
    }, User.objects.get(email=f"{tag}1@banc.example.org")


def captured(client, url):
    """The SQL statements of a warm request (the same one made just before)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    # Literal values (and the length of IN lists) aside: the statement's shape.
    shapes = (re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"]) for query in queries)
    return [re.sub(r"\((?:\?, )+\?\)", "(?)", shape) for shape in shapes]


def count_queries(clients, big, small):
    """Section 1: a row per page and viewer; the statements that differ when counts differ."""
    rows, notes = [], []
    for label in big:
        for who in ("member",) if label.endswith("*") else ("anonymous", "member"):
            b, s = captured(clients[who, "big"], big[label]), captured(clients[who, "small"], small[label])
            same = len(b) == len(s)
            rows.append(
                [label, who, big[label], len(b), len(s), "=" if same else f"DIFFERS ({len(b) - len(s):+d})"]
            )
            if not same:
                extra = Counter(b)
                extra.subtract(Counter(s))
                notes += [f"  {label}, {who}: {n:+d} × {sql[:200]}" for sql, n in extra.items() if n]
    return rows, notes


def server_times(pairs, rounds):
    times = {pair: [] for pair in pairs}
    for number in range(rounds + 2):
        for client, url in pairs:
            started = time.perf_counter()
            response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
            if number >= 2:  # two warm-up rounds
                times[client, url].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
    return times


def timing(clients, big, small, rounds):
    """Section 2: p50/p95 of each page, big and baseline, against the big commune's own page."""
    pairs = []
    for label in big:
        who = "member" if label.endswith("*") else "anonymous"
        pairs += [
            (label, size, clients[who, size], urls[label]) for size, urls in (("big", big), ("small", small))
        ]
    log(f"Timing {rounds} rounds of {len(pairs)} URLs…")
    times = server_times([(client, url) for _l, _s, client, url in pairs], rounds)
    reference = statistics.median(times[clients["anonymous", "big"], big["commune page"]])
    rows = []
    for label, size, client, url in pairs:
        values = times[client, url]
        median = statistics.median(values)
        name = label if size == "big" else "  baseline data"
        rows.append([name, url, f"{median:.1f}", f"{percentile(values, 95):.1f}", ratio(median, reference)])
    return rows


def describe():
    from coconstruction.models import Comment, Decision, Meeting, Registration, Thread, WorkingGroup

    return (
        f"{Meeting.objects.count()} meetings, {Registration.objects.count()} registrations, "
        f"{Decision.objects.count()} decisions, {WorkingGroup.objects.count()} working groups, "
        f"{Thread.objects.count()} discussions, {Comment.objects.count()} comments"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="rebuild var/bench.sqlite3 and this database")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per URL (default 20)")
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        return generate()
    if args.rebuild:
        COCON_DB_STAMP.unlink(missing_ok=True)
    os.environ["PAGE_CACHE"] = "0"
    url, generated = database(args)
    setup_django(url)

    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.PAGE_CACHE = False
    cache.clear()
    print_context(
        "Co-construction at scale: committee, meetings, working groups, discussions, calendars", url
    )
    print(f"Data: {describe()}")
    if generated:
        print(f"Generated in {generated.seconds:.0f} s, peak RSS {generated.max_rss_mib:.0f} MiB")
    print()
    (big, big_member), (small, small_member) = _cast(code=BIG), _cast(department=SMALL_DEPARTMENT)
    clients = {(who, size): Client() for who in ("anonymous", "member") for size in ("big", "small")}
    clients["member", "big"].force_login(big_member)
    clients["member", "small"].force_login(small_member)
    rows, notes = count_queries(clients, big, small)
    print("1. SQL queries per request (a warm request), big commune against the baseline")
    print("   (* signed in as a committee member only: the members-only pages, the private calendar)")
    print(table(rows, ["page", "viewer", "big URL", "big", "baseline", ""], "lllrrl"))
    print(f"Same number of queries whatever the data's size: {'NO' if notes else 'yes'}")
    if notes:
        print("\n".join(notes))
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 404s below are expected
    private = [url for label, url in big.items() if "members-only" in label]
    leaks = [url for url in private if clients["anonymous", "big"].get(url).status_code != 404]
    print(
        f"Members-only pages answer 404 to an anonymous visitor: {'NO: ' + ', '.join(leaks) if leaks else 'yes'}"
    )
    print()
    rows = timing(clients, big, small, args.requests)
    print(
        f"2. Server time per request (in-process test client, Accept-Encoding: gzip, page cache off, "
        f"{args.requests} requests each after 2 warm-up rounds, URLs interleaved)"
    )
    print(table(rows, ["page", "URL", "p50 ms", "p95 ms", "× commune page"], "llrrr"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
