"""Background tasks of the core: sending email."""

from django.core.mail import EmailMultiAlternatives
from django.dispatch import receiver
from django_tasks import task
from django_tasks.signals import task_finished

REDACTED = "[effacé après envoi]"


@task()
def send_email(*, subject, body, from_email, to, html=None, reply_to=None, headers=None):
    """Send one email through Django's email backend (run by the task worker)."""
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
    return message.send()


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
