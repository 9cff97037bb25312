"""A meeting withdrawn from some people: when a public meeting becomes members-only,
services/meetings.py cancels the registrations of the people who may no longer see it, and
`tell_withdrawn(meeting, user_ids)` (once its transaction commits) queues a task that emails
each of them, in their language, that the meeting is no longer open to them, with an .ics
that takes it out of their calendar (METHOD:CANCEL, STATUS:CANCELLED for them).

Each email is one MeetingNotice row ("cancelled", at the meeting's sequence of the change),
written in the same transaction as the email is queued: a task run twice never sends it
twice. Nobody is told who may see the meeting again by the time the task runs."""

import copy

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from core.emails import email_send
from core.tasks import retry_later
from notifications.delivery import site_url

from .models import Meeting, MeetingNotice
from .notices import context
from .services.calendars import email_ics, with_body

CHANGE = MeetingNotice.Change.CANCELLED


def tell_withdrawn(meeting, user_ids):
    """Queue the emails to the people `user_ids` whose registration the change cancelled."""
    meeting_withdrawn.enqueue(meeting_id=meeting.pk, user_ids=list(user_ids), sequence=meeting.sequence)


@task()
def meeting_withdrawn(*, meeting_id, user_ids, sequence, attempt=1):
    """Email the people who may no longer see the meeting; the number of emails queued."""
    ids = {"meeting_id": meeting_id, "user_ids": user_ids, "sequence": sequence}
    try:
        return send(**ids)
    except Exception as error:
        if retry_later(meeting_withdrawn, error, attempt=attempt, **ids):
            return 0
        raise


def send(*, meeting_id, user_ids, sequence):
    meeting = with_body(Meeting.objects.filter(pk=meeting_id)).first()
    if meeting is None:
        return 0
    site = site_url()
    people = get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("pk")
    told = 0
    for user in people:
        if not user.has_perm("coconstruction.view_meeting", meeting):
            told += _tell(meeting, user, sequence, site)
    return told


def _tell(meeting, user, sequence, site):
    with transaction.atomic():
        try:
            with transaction.atomic():
                MeetingNotice.objects.create(meeting=meeting, user=user, change=CHANGE, sequence=sequence)
        except IntegrityError:
            return 0  # another run told them
        with translation.override(user.language):
            ics = email_ics(_cancelled_for_them(meeting), change="cancelled", attendee=user, site_url=site)
            email_send(
                template="coconstruction/emails/meeting_withdrawn",
                to=user,
                context=context(meeting, user, site),
                attachments=[("invitation.ics", ics, "text/calendar")],
            )
    return 1


def _cancelled_for_them(meeting):
    """The meeting as its .ics tells it to them: cancelled, with why (it still takes place
    for its members; the copy is never saved)."""
    shown = copy.copy(meeting)
    shown.status = Meeting.Status.CANCELLED
    shown.cancelled_reason = _("the meeting is now for members only")
    return shown
