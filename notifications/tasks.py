"""Background tasks of following: the fan-out of an event, the emails (one event at once,
a person's weekly digest). Their arguments are ids only: the emails' unsubscribe links
are made when the emails are built, so that no stored task holds one.

The email tasks survive faults: a transient sending error (the SMTP server down) queues
the task again later (core.tasks.retry_later; the rows were given back); a task that finds
its rows claimed by a run that has not finished (a worker killed while sending: the task
queue runs it again, core.tasks.tasks_recover) comes back when that claim is given up,
rather than sending what may have gone out already."""

from datetime import timedelta

from django_tasks import task

from core.tasks import retry_later

from . import delivery

RESUME_MARGIN = timedelta(seconds=5)


@task()
def fan_out(*, event, object_id, commune_id, item_ids, group_ids, author_ids, recipient_ids=()):
    return delivery.fan_out(
        event=event,
        object_id=object_id,
        commune_id=commune_id,
        item_ids=item_ids,
        group_ids=group_ids,
        author_ids=author_ids,
        recipient_ids=recipient_ids,
    )


def _come_back(task_, expiry, **kwargs):
    """Queue the task again for when the claims it met are given up (a deferring backend)."""
    if expiry is not None and task_.get_backend().supports_defer:
        task_.using(run_after=expiry + RESUME_MARGIN).enqueue(**kwargs)


@task()
def send_event(*, user_id, event, object_id, attempt=1):
    ids = {"user_id": user_id, "event": event, "object_id": object_id}
    try:
        sent = delivery.send_event(**ids)
    except Exception as error:
        if retry_later(send_event, error, attempt=attempt, **ids):
            return 0
        raise
    if not sent:
        _come_back(send_event, delivery.claim_expiry(delivery.event_rows(**ids)), **ids)
    return sent


@task()
def send_digest(*, user_id, attempt=1):
    try:
        sent = delivery.send_digest(user_id=user_id)
    except Exception as error:
        if retry_later(send_digest, error, attempt=attempt, user_id=user_id):
            return 0
        raise
    if not sent:
        _come_back(send_digest, delivery.claim_expiry(delivery.digest_rows(user_id)), user_id=user_id)
    return sent
