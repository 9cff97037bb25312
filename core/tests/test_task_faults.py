"""The task queue survives faults: an email that meets the SMTP server down is queued
again with a growing delay and goes out once the server is back (never lost, never twice);
a task left running by a killed worker is queued again when a worker starts, and failed
(with the `task_finished` signal) once its worker died MAX_TASK_ATTEMPTS times."""

import signal
import smtplib
import socket
import subprocess
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult

from core import tasks
from core.emails import email_send

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
CONTEXT = {"content": "Accueil Saint-Denis", "hidden": True, "reason": "Spam", "url": "http://x/"}
HOST = socket.gethostname()[: tasks.HOST_CHARS]


class DownBackend(LocmemBackend):
    """An SMTP server that refuses connections."""

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


class RefusingBackend(LocmemBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"nobody@example.org": (550, b"No such user")})


def run_worker():
    """The database worker (core's db_worker) until the queue is empty (see
    accounts/tests/test_security_baseline.py for why connections are kept)."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def dead_worker_id():
    """The id a worker of this host had, whose process has ended."""
    process = subprocess.Popen(["true"])
    process.wait()
    return f"{HOST}:{process.pid}:deadbeef0000"


def queue_email(to="someone@example.org"):
    email_send(template="moderation/emails/decision", to=to, context=CONTEXT)


def test_transient_errors_are_retried_and_refusals_are_not():
    assert tasks.is_transient(ConnectionRefusedError(111, "refused"))
    assert tasks.is_transient(TimeoutError())
    assert tasks.is_transient(smtplib.SMTPServerDisconnected("gone"))
    assert tasks.is_transient(smtplib.SMTPDataError(451, b"try later"))
    assert tasks.is_transient(smtplib.SMTPAuthenticationError(535, b"bad credentials"))
    assert tasks.is_transient(smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"greylisted")}))
    assert not tasks.is_transient(smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"unknown")}))
    assert not tasks.is_transient(smtplib.SMTPDataError(554, b"spam"))
    assert not tasks.is_transient(ValueError("a bug"))


def test_the_delay_doubles_up_to_ten_minutes_and_stops_after_a_day():
    assert [tasks.retry_delay(n) for n in range(1, 7)] == [30, 60, 120, 240, 480, 600]
    planned, attempt = 0, 1
    while (delay := tasks.retry_delay(attempt)) is not None:
        planned += delay
        attempt += 1
    assert timedelta(hours=23) < timedelta(seconds=planned) <= tasks.RETRY_FOR
    assert 140 < attempt < 160


@override_settings(TASKS=DB_TASKS, EMAIL_BACKEND="core.tests.test_task_faults.DownBackend")
def test_an_email_meeting_the_server_down_waits_and_goes_out_once_it_is_back():
    queue_email()
    run_worker()

    first, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert first.status == "SUCCESSFUL" and first.args_kwargs["kwargs"]["body"] == tasks.REDACTED
    assert retry.status == "READY" and retry.args_kwargs["kwargs"]["attempt"] == 2
    assert "Spam" in retry.args_kwargs["kwargs"]["body"]  # the email itself is kept until sent
    wait = retry.run_after - timezone.now()
    assert timedelta(seconds=25) < wait <= timedelta(seconds=30)
    run_worker()  # too early: nothing happens
    assert DBTaskResult.objects.count() == 2

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        run_worker()
        run_worker()

    assert [message.to for message in mail.outbox] == [["someone@example.org"]]
    retry.refresh_from_db()
    assert retry.status == "SUCCESSFUL" and retry.args_kwargs["kwargs"]["body"] == tasks.REDACTED


@override_settings(TASKS=DB_TASKS, EMAIL_BACKEND="core.tests.test_task_faults.RefusingBackend")
def test_an_address_refused_for_good_is_not_retried():
    queue_email("nobody@example.org")
    run_worker()

    task = DBTaskResult.objects.get()
    assert task.status == "FAILED" and "SMTPRecipientsRefused" in task.exception_class_path


@override_settings(TASKS=DB_TASKS, EMAIL_BACKEND="core.tests.test_task_faults.DownBackend")
def test_given_up_after_a_day_of_attempts():
    last = 1
    while tasks.retry_delay(last) is not None:
        last += 1
    tasks.send_email.enqueue(
        subject="S", body="B", from_email="a@example.org", to=["b@example.org"], attempt=last
    )
    run_worker()

    assert DBTaskResult.objects.get().status == "FAILED"


@override_settings(EMAIL_BACKEND="core.tests.test_task_faults.DownBackend")
def test_without_a_queue_that_can_wait_the_task_fails_at_once():
    result = tasks.send_email.enqueue(subject="S", body="B", from_email="a@example.org", to=["b@example.org"])

    assert result.status == "FAILED" and "ConnectionRefusedError" in result.errors[0].exception_class_path


def running_task(worker, started=None, attempts=1):
    """An email task claimed by `worker` (its last `attempts`) and never finished."""
    queue_email()
    task = DBTaskResult.objects.get(status="READY")
    task.status = "RUNNING"
    task.started_at = started or timezone.now()
    task.worker_ids = [f"{HOST}:1:old{n}" for n in range(attempts - 1)] + [worker]
    task.save()
    return task


@override_settings(TASKS=DB_TASKS)
def test_a_task_left_running_by_a_killed_worker_runs_when_a_worker_starts():
    task = running_task(dead_worker_id())

    run_worker()

    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and len(task.worker_ids) == 2
    assert len(mail.outbox) == 1


@override_settings(TASKS=DB_TASKS)
def test_tasks_of_live_or_distant_workers_are_left_alone_until_the_timeout():
    import os

    live = running_task(f"{HOST}:{os.getppid()}:alive0000000")
    distant = running_task("other-host:12:abc")
    distant_old = running_task("other-host:13:abc", started=timezone.now() - timedelta(hours=3))

    assert tasks.tasks_recover() == (1, 0)

    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses[live.pk] == "RUNNING" and statuses[distant.pk] == "RUNNING"
    assert statuses[distant_old.pk] == "READY"


@override_settings(TASKS=DB_TASKS)
def test_a_task_whose_worker_died_three_times_is_failed_and_said_so():
    task = running_task(dead_worker_id(), attempts=tasks.MAX_TASK_ATTEMPTS)
    finished = []

    def record(sender, task_result, **kwargs):
        finished.append(task_result)

    task_finished.connect(record)
    try:
        assert tasks.tasks_recover() == (0, 1)
    finally:
        task_finished.disconnect(record)

    task.refresh_from_db()
    assert task.status == "FAILED" and task.exception_class_path == "core.tasks.TaskInterrupted"
    assert [result.id for result in finished] == [str(task.pk)]
    assert task.args_kwargs["kwargs"]["body"] == tasks.REDACTED  # no single-use link kept
    assert mail.outbox == []


def test_a_worker_id_names_its_host_and_process():
    import os

    host, pid, _random = tasks.worker_id().split(":")
    assert host == HOST and int(pid) == os.getpid()
    assert tasks.worker_gone(f"{HOST}:{os.getpid()}:x")  # a restarted container: same pid, new worker
    assert not tasks.worker_gone(f"{HOST}:{os.getppid()}:x")
    assert not tasks.worker_gone("other-host:1:x") and not tasks.worker_gone("random-id-of-old-workers")
