"""Background tasks of co-construction: the emails about a meeting (notices.py). Their
arguments are ids only; a transient sending error queues the task again later
(core.tasks.retry_later): the people already told are not told twice (MeetingNotice)."""

from django_tasks import task

from core.tasks import retry_later

from . import notices


@task()
def meeting_notices(*, meeting_id, change, sequence=None, attempt=1):
    """Email the people of a meeting that it was created, updated, cancelled, or that it
    is tomorrow (change "reminder")."""
    ids = {"meeting_id": meeting_id, "change": change, "sequence": sequence}
    try:
        return notices.send(**ids)
    except Exception as error:
        if retry_later(meeting_notices, error, attempt=attempt, **ids):
            return 0
        raise
