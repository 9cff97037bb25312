"""The task worker killed (SIGKILL) in the middle of applying a 20,000-row import and in
the middle of a digest run: all or nothing of the import, the job's page says what
happened, a restarted worker finishes the work, and no email is sent twice.

    .venv/bin/python bench/worker_killed.py [--rows 20000] [--kill-after 3] [--kills 1]
        [--followers 2000] [--database-url URL]

The database is a copy of var/bench.sqlite3 in a temporary folder, migrated (or, with
--database-url, that throwaway database, e.g. from scripts/with_postgres.py), with the
database task backend; `manage.py db_worker` runs in a child process and sends through
Django's SMTP backend to the SMTP sink of smtp_down.py, which counts every message.

1. Import: the file of import_commitments.py (--rows distinct communes, CSV) is checked
   and queued as the web page does (campaigns.services.import_job_check/queue); the worker
   starts; --kill-after seconds after the job turned "being applied" it is killed with
   SIGKILL (--kills times in a row: with 3, the job ends failed). After each kill: the
   job's status, the commitments of the campaign in the database (0 expected: one
   transaction), the task's row. Then a worker starts again: the time until the job is
   done (or failed), what the job's page says, and the commitments found.
2. Digests: --followers people with two events each (followup_digest.py's data), one
   task per person (`send_digests`); the worker is killed once a third of the emails
   arrived, then started again. The person whose digest was being built keeps a claim
   that is given up after an hour (notifications.models.CLAIM_TIMEOUT): the script moves
   that claim and the task waiting for it an hour back ("time passes"), then waits for the
   queue to empty. Printed: emails at the kill, after the restart, people with exactly one
   digest, none, or more than one.
"""

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _common import (
    base_env,
    ensure_cached_database,
    log,
    manage,
    prepare_database,
    print_context,
    setup_django,
    sqlite_url,
)
from smtp_down import SmtpSink, start_worker, task_statuses, worker_env

WAIT = 600  # seconds at most for a step


def wait_for(predicate, timeout=WAIT, step=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(step)
    return None


def kill(process):
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def fresh(model, **filters):
    from django.db import connection

    connection.close()
    return model.objects.filter(**filters)


# --- 1. the import -------------------------------------------------------------------------------------


def queue_import(path, slug):
    from django.core.files import File
    from import_commitments import USER_EMAIL

    from accounts.models import User
    from campaigns import services
    from campaigns.models import Campaign

    campaign = Campaign.objects.get(slug=slug)
    user = User.objects.get(email=USER_EMAIL)
    with open(path, "rb") as handle:
        report, job = services.import_job_check(
            campaign=campaign, user=user, upload=File(handle, name=path.name)
        )
    if job is None:
        raise SystemExit(f"The file was refused: {report.counts}")
    services.import_job_queue(job=job)
    return job


def job_page(job):
    """The status line and message of the job's page, as its author sees it."""
    import re

    from django.test import Client

    from accounts.models import User

    client = Client()
    admin = User.objects.filter(email="bench-admin@example.org").first()
    client.force_login(admin or User.objects.create_superuser(email="bench-admin@example.org", password=None))
    response = client.get(job.get_absolute_url(), HTTP_HOST="127.0.0.1")
    if response.status_code != 200:
        return f"(the page answered {response.status_code})", ""
    html = response.content.decode()
    status = re.search(r'<p role="status">(.*?)</p>', html, re.S)
    alert = re.search(r'<p class="errors" role="alert">(.*?)</p>', html, re.S)
    strip = lambda text: re.sub(r"<[^>]+>", "", text).strip()  # noqa: E731
    return strip(status.group(1)) if status else "?", strip(alert.group(1)) if alert else ""


def import_part(args, database_url, folder, sink):
    from django_tasks_db.models import DBTaskResult
    from import_commitments import prepare

    from campaigns.models import ImportJob
    from commitments.models import Commitment

    log("Campaigns and the import file…")
    slugs, paths = prepare(database_url, args.rows, 1, folder)
    log("Dry run of the file (as the web page does)…")
    job = queue_import(paths["csv"], slugs["csv"])
    env = worker_env(database_url, sink.port)
    written = lambda: fresh(Commitment, target__campaign__slug=slugs["csv"]).count()  # noqa: E731
    print(f"Import of {args.rows:,} rows (CSV), job {job.pk}: queued")
    for number in range(1, args.kills + 1):
        worker = start_worker(env, Path(folder) / "worker.log")
        started = time.monotonic()
        wait_for(lambda: fresh(ImportJob, pk=job.pk, status="running").exists())
        time.sleep(args.kill_after)
        state = fresh(ImportJob, pk=job.pk).get().status
        kill(worker)
        task = fresh(DBTaskResult, task_path="campaigns.tasks.apply_import").get()
        print(
            f"  kill {number}: {time.monotonic() - started:.1f} s after the worker started, the job "
            f"{state!r} → SIGKILL; job now {fresh(ImportJob, pk=job.pk).get().status!r}, task {task.status}, "
            f"commitments in the database: {written()}"
        )
        print(f"    page: {' — '.join(filter(None, job_page(fresh(ImportJob, pk=job.pk).get())))}")
    worker = start_worker(env, Path(folder) / "worker.log")
    started = time.monotonic()
    try:
        wait_for(lambda: fresh(ImportJob, pk=job.pk, status__in=("done", "failed")).exists())
    finally:
        worker.terminate()
        worker.wait()
    job = fresh(ImportJob, pk=job.pk).get()
    task = fresh(DBTaskResult, task_path="campaigns.tasks.apply_import").get()
    print(
        f"  worker started again: job {job.status!r} after {time.monotonic() - started:.1f} s, "
        f"counts {job.counts}, task {task.status} (attempts: {len(task.worker_ids)}), "
        f"commitments in the database: {written()} of {args.rows:,}"
    )
    print(f"    page: {' — '.join(filter(None, job_page(job)))}")
    print()


# --- 2. the digests ------------------------------------------------------------------------------------


def digest_part(args, database_url, folder, sink):
    from datetime import timedelta

    from django.db.models import Q
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult
    from followup_digest import prepare

    from notifications.models import CLAIM_TIMEOUT, Notification

    log(f"{args.followers} followers with their notifications…")
    prepare(database_url, args.followers, 100)
    env = worker_env(database_url, sink.port)
    manage("send_digests", env=env)
    queued = fresh(DBTaskResult, task_path="notifications.tasks.send_digest").count()
    before = sink.count()
    worker = start_worker(env, Path(folder) / "worker.log")
    wait_for(lambda: sink.count() - before >= queued // 3, step=0.01)
    kill(worker)
    at_kill = sink.count() - before
    running = fresh(DBTaskResult, status="RUNNING").count()
    claimed = fresh(Notification, sent_at__isnull=True, claimed_at__isnull=False).count()
    print(
        f"Digests: {queued} queued; SIGKILL after {at_kill} emails; tasks left running: {running}, "
        f"notifications left claimed: {claimed}"
    )
    worker = start_worker(env, Path(folder) / "worker.log")
    try:
        wait_for(
            lambda: (
                not fresh(DBTaskResult, status="RUNNING").exists()
                and not DBTaskResult.objects.filter(
                    Q(run_after__lte=timezone.now()) | Q(run_after__year=9999), status="READY"
                ).exists()
            )
        )
        after_restart = sink.count() - before
        deferred = fresh(DBTaskResult, status="READY").count()
        print(
            f"  worker started again: {after_restart} emails in all; tasks waiting for a claim to be given up: {deferred}"
        )
        for row in fresh(Notification, claimed_at__isnull=False, sent_at__isnull=True):
            Notification.objects.filter(pk=row.pk).update(claimed_at=row.claimed_at - CLAIM_TIMEOUT)
        for row in DBTaskResult.objects.filter(status="READY", run_after__year__lt=9999):
            DBTaskResult.objects.filter(pk=row.pk).update(
                run_after=row.run_after - CLAIM_TIMEOUT - timedelta(seconds=10)
            )
        wait_for(lambda: not fresh(DBTaskResult, status__in=("READY", "RUNNING")).exists())
        time.sleep(2)
    finally:
        worker.terminate()
        worker.wait()
    per_person = Counter(recipient for _id, recipient, subject in sink.messages[before:])
    people = args.followers
    once = sum(1 for count in per_person.values() if count == 1)
    twice = sum(1 for count in per_person.values() if count > 1)
    pending = fresh(Notification, sent_at__isnull=True).count()
    print(
        f"  an hour later (time moved): {sink.count() - before} emails; people with exactly one digest: "
        f"{once} of {people}, none: {people - len(per_person)}, more than one: {twice}; "
        f"notifications not sent: {pending}"
    )
    print("  task rows by status: " + ", ".join(f"{k} {v}" for k, v in sorted(task_statuses().items())))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--kill-after", type=float, default=3, help="seconds of applying before the kill")
    parser.add_argument("--kills", type=int, default=1, help="kills in a row (3: the job ends failed)")
    parser.add_argument("--followers", type=int, default=2000)
    parser.add_argument("--database-url", help="a throwaway database instead of a copy of var/bench.sqlite3")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hospitalite-killed-") as folder:
        if args.database_url:
            database_url = prepare_database(args.database_url)
        else:
            copy = Path(folder) / "killed.sqlite3"
            shutil.copyfile(ensure_cached_database(), copy)
            database_url = sqlite_url(copy)
            log("Migrating a copy of var/bench.sqlite3…")
            manage("migrate", "--no-input", "-v0", env=base_env(DATABASE_URL=database_url))
        os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
        os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
        setup_django(database_url)
        print_context(
            "Task worker killed (SIGKILL) while applying an import and sending digests", database_url
        )
        sink = SmtpSink()
        sink.start()
        try:
            import_part(args, database_url, folder, sink)
            digest_part(args, database_url, folder, sink)
        finally:
            sink.stop()


if __name__ == "__main__":
    sys.exit(main())
