"""Background tasks of the core: sending email, and what lets the task queue survive
faults. An email that meets a server down (or any transient SMTP or network error) is
queued again with a growing delay for up to RETRY_FOR; a task left running by a worker
that was killed is given back to the queue when a worker starts (`manage.py db_worker`,
core/management/commands/db_worker.py), or failed after MAX_TASK_ATTEMPTS tries."""

import contextlib
import logging
import os
import smtplib
import socket
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.dispatch import receiver
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import task
from django_tasks.signals import task_finished

logger = logging.getLogger(__name__)

REDACTED = "[effacé après envoi]"
RETRY_FIRST = 30  # seconds before the second attempt; doubled each time…
RETRY_MAX = 600  # …up to ten minutes between attempts…
RETRY_FOR = timedelta(hours=24)  # …and given up once a day of waiting is planned
MAX_TASK_ATTEMPTS = 3  # a task whose worker died this many times is failed, not run again
RUNNING_TIMEOUT = timedelta(hours=2)  # a task running longer is taken as abandoned, whatever host
HOST_CHARS = 40  # a worker id: "<host>:<pid>:<random>", at most 64 characters


# Retries ------------------------------------------------------------------------------------------


def is_transient(error):
    """Whether sending may succeed later: the server down or unreachable, a 4xx answer,
    refused credentials (a configuration an operator fixes); not a 5xx refusal of the
    recipients or of the message."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(code < 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code < 500
    return isinstance(error, OSError)  # refused, reset, timed out, TLS, disconnected (SMTPException)


def retry_delay(attempt):
    """Seconds to wait after attempt number `attempt` failed; None once RETRY_FOR is spent."""
    delays = [min(RETRY_FIRST * 2**n, RETRY_MAX) for n in range(attempt)]
    if sum(delays) > RETRY_FOR.total_seconds():
        return None
    return delays[-1]


def retry_later(task_, error, *, attempt, **kwargs):
    """Queue `task_` again with `kwargs` and attempt + 1 after a delay when `error` is
    transient and the backend can defer tasks; True if queued (the caller then returns
    normally), False when the caller should raise (immediate backend, given up, not
    transient)."""
    delay = retry_delay(attempt) if is_transient(error) else None
    if delay is None or not task_.get_backend().supports_defer:
        return False
    run_after = timezone.now() + timedelta(seconds=delay)
    task_.using(run_after=run_after).enqueue(attempt=attempt + 1, **kwargs)
    logger.warning(
        "%s failed (attempt %s: %s); queued again for %s",
        task_.name,
        attempt,
        error.__class__.__name__,
        run_after.isoformat(timespec="seconds"),
    )
    return True


@task()
def send_email(
    *, subject, body, from_email, to, html=None, reply_to=None, headers=None, attachments=None, attempt=1
):
    """Send one email through Django's email backend (run by the task worker); queued
    again later when the server cannot take it now (retry_later). `attachments`: a list of
    (filename, text content, mimetype), such as an invitation's .ics."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=from_email,
        to=to,
        reply_to=reply_to or [],
        headers=headers or {},
    )
    if html:
        message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    try:
        return message.send()
    except Exception as error:
        kwargs = {"subject": subject, "body": body, "from_email": from_email, "to": to}
        kwargs.update(html=html, reply_to=reply_to, headers=headers, attachments=attachments)
        if retry_later(send_email, error, attempt=attempt, **kwargs):
            return 0
        logger.error("Email %r to %s not sent (attempt %s, not retried)", subject, to, attempt)
        raise


@receiver(task_finished)
def redact_sent_email(sender, task_result, **kwargs):
    """Once an email task has run, its stored arguments lose the body: emails carry
    single-use links, and only their hash may stay in the database."""
    try:
        from django_tasks_db import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - database backend not installed
        return
    # The worker sends a backend instance, the backends a class: accept both.
    backend = sender if isinstance(sender, type) else type(sender)
    if not issubclass(backend, DatabaseBackend):
        return
    if task_result.task.module_path != send_email.module_path:
        return
    row = DBTaskResult.objects.filter(id=task_result.id).only("args_kwargs").first()
    if row is None:
        return
    kwargs_stored = dict(row.args_kwargs.get("kwargs", {}))
    for field in ("body", "html"):
        if kwargs_stored.get(field):
            kwargs_stored[field] = REDACTED
    DBTaskResult.objects.filter(id=task_result.id).update(
        args_kwargs={"args": row.args_kwargs.get("args", []), "kwargs": kwargs_stored}
    )


# Workers killed -------------------------------------------------------------------------------------


class TaskInterrupted(Exception):
    """Recorded on a task whose worker died MAX_TASK_ATTEMPTS times while running it."""


def worker_id():
    """An id that says where the worker runs: "<host>:<pid>:<random>"."""
    return f"{socket.gethostname()[:HOST_CHARS]}:{os.getpid()}:{get_random_string(12)}"


def worker_gone(worker, host=None):
    """Whether a worker id names a process of this host that no longer runs (its pid is
    free, or is this very process: a restarted container gets the same pid again)."""
    parts = (worker or "").split(":")
    if len(parts) != 3 or parts[0] != (host or socket.gethostname()[:HOST_CHARS]):
        return False
    try:
        pid = int(parts[1])
    except ValueError:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def _abandoned(row, now):
    last = row.worker_ids[-1] if row.worker_ids else ""
    return worker_gone(last) or row.started_at is None or row.started_at < now - RUNNING_TIMEOUT


def tasks_recover(*, backend_name="default", now=None):
    """Give back the tasks that a dead worker left running (a worker of this host whose
    process is gone, or any task running for over RUNNING_TIMEOUT): queued again, or failed
    once tried MAX_TASK_ATTEMPTS times (the `task_finished` signal is sent, as for any
    failure, so that what waits for the task can say so). Returns (requeued, failed)."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    requeued = failed = 0
    for row in DBTaskResult.objects.running().filter(backend_name=backend_name):
        if not _abandoned(row, now):
            continue
        same = DBTaskResult.objects.filter(pk=row.pk, status="RUNNING", started_at=row.started_at)
        if len(row.worker_ids) < MAX_TASK_ATTEMPTS:
            requeued += same.update(status="READY")
            logger.warning("Task %s (%s) left running by a dead worker: queued again", row.pk, row.task_path)
            continue
        if not same.update(
            status="FAILED",
            finished_at=now,
            exception_class_path=f"{TaskInterrupted.__module__}.{TaskInterrupted.__qualname__}",
            traceback=f"TaskInterrupted: the worker stopped {len(row.worker_ids)} times while running it\n",
        ):
            continue
        failed += 1
        logger.error("Task %s (%s) interrupted %s times: failed", row.pk, row.task_path, len(row.worker_ids))
        row.refresh_from_db()
        with contextlib.suppress(ImportError):  # the task's code is gone
            task_finished.send(sender=type(row.task.get_backend()), task_result=row.task_result)
    return requeued, failed
