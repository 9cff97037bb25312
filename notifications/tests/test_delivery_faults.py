"""Digests through the database task queue when things go wrong (bench/smtp_down.py and
bench/worker_killed.py at scale): the SMTP server down, then back; a worker killed while
sending. Everyone gets their digest, once."""

import signal
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import tasks
from notifications.models import CLAIM_TIMEOUT, Notification

from .conftest import commune, follower, item

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
PEOPLE = ["ines@example.org", "jules@example.org", "karim@example.org"]


@pytest.fixture
def week(committed, mayor, other_mayor, publish, settings):
    """Three weekly followers with updates to be told; then the database task queue."""
    follower("ines@example.org", commune("93066"), commune("01001"))
    follower("jules@example.org", item("26"), language="en")
    follower("karim@example.org", commune("01001"))
    publish(mayor, text="Premier point")
    publish(other_mayor, commune_code="01001", text="Troisième point")
    settings.TASKS = DB_TASKS


def run_worker():
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def run_digests():
    call_command("send_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115


def time_passes(delta):
    """Claims and deferred tasks as they would be `delta` later."""
    for row in Notification.objects.filter(claimed_at__isnull=False):
        Notification.objects.filter(pk=row.pk).update(claimed_at=row.claimed_at - delta)
    for task in DBTaskResult.objects.filter(status="READY"):
        DBTaskResult.objects.filter(pk=task.pk).update(run_after=task.run_after - delta)


def waiting_attempts():
    waiting = DBTaskResult.objects.filter(status="READY", task_path="notifications.tasks.send_digest")
    return [task.args_kwargs["kwargs"]["attempt"] for task in waiting]


def recipients(mailoutbox):
    return sorted(message.to[0] for message in mailoutbox)


def test_with_the_smtp_server_down_digests_wait_then_go_out_once(week, mailoutbox, settings):
    settings.EMAIL_BACKEND = "core.tests.test_task_faults.DownBackend"
    run_digests()
    run_worker()

    assert waiting_attempts() == [2, 2, 2]
    assert not Notification.objects.filter(claimed_at__isnull=False, sent_at__isnull=True).exists()

    time_passes(timedelta(seconds=tasks.RETRY_FIRST))
    run_worker()  # still down: attempt 3 is queued a minute later
    assert waiting_attempts() == [3, 3, 3]

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    time_passes(timedelta(seconds=2 * tasks.RETRY_FIRST))
    run_worker()
    run_digests()  # the next cron run meanwhile sends nothing twice
    run_worker()

    assert recipients(mailoutbox) == PEOPLE
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_a_digest_interrupted_by_a_killed_worker_goes_out_once_the_claim_is_given_up(week, mailoutbox):
    run_digests()
    ines = DBTaskResult.objects.get(args_kwargs__kwargs__user_id=follower_id("ines@example.org"))
    # The worker claimed Inès's rows, then was killed (before or after the server took the email).
    Notification.objects.filter(user__email="ines@example.org").update(claimed_at=timezone.now())
    DBTaskResult.objects.filter(pk=ines.pk).update(
        status="RUNNING", started_at=timezone.now(), worker_ids=[tasks.worker_id()]
    )
    run_worker()  # the killed worker's id has this process's pid: it is gone

    assert recipients(mailoutbox) == ["jules@example.org", "karim@example.org"]
    come_back = DBTaskResult.objects.get(status="READY")
    assert come_back.args_kwargs["kwargs"] == {"user_id": follower_id("ines@example.org")}
    assert come_back.run_after - timezone.now() + timedelta(seconds=10) > CLAIM_TIMEOUT

    time_passes(CLAIM_TIMEOUT + timedelta(seconds=10))
    run_worker()

    assert recipients(mailoutbox) == PEOPLE
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def follower_id(email):
    from accounts.models import User

    return User.objects.get(email=email).pk
