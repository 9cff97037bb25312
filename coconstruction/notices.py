"""What people are told when a meeting changes, and the day before it.

`meeting_changed(meeting, change)`, with change "created", "updated" or "cancelled", is
called by services/meetings.py once its transaction commits: it queues a task
(coconstruction/tasks.py) that emails each person concerned (queries.calendars.recipients:
the committee's insiders or the working group's active members, and the people
registered; for a members-only meeting, only those who may see it), in their language,
with the meeting as an .ics attachment (METHOD:REQUEST, or CANCEL).

Each email is one MeetingNotice row (meeting, person, change, sequence), written in the
same transaction as the email is queued: a task run twice, or two tasks for the same
change, never send it twice. A person told nothing yet about a meeting gets an invitation
even when the change is an update (they joined the committee since); an update at the
sequence someone was already invited at is not sent again.

`reminders_due(now)` and `remind(meeting)`: the day-before reminders (manage.py
meeting_reminders, hourly): each meeting is claimed by one UPDATE … WHERE
reminder_sent_at IS NULL, so that two runs never remind twice."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from core.emails import email_send
from notifications.delivery import site_url
from territories.models import CHARNIERES

from .models import Meeting, MeetingNotice
from .queries.calendars import recipients
from .services.calendars import body_label, email_ics, with_body
from .templatetags import meetings as meeting_moments

CHANGES = ("created", "updated", "cancelled")
INVITATIONS = ("created", "updated")
AGENDA_SUMMARY = 600  # characters of the agenda in an email
# The reminders: meetings starting between REMIND_FROM and REMIND_UNTIL from now (run hourly).
REMIND_FROM = timedelta(hours=12)
REMIND_UNTIL = timedelta(hours=36)


def meeting_changed(meeting, change):
    """Queue the emails telling `meeting`'s people that it was created, updated or cancelled."""
    if change not in CHANGES:
        raise ValueError(f"unknown change: {change!r}")
    from .tasks import meeting_notices

    meeting_notices.enqueue(meeting_id=meeting.pk, change=change, sequence=meeting.sequence)


# Dates as the emails write them ----------------------------------------------------------------


# "mardi 8 décembre 2026 à 18 h 00", "18 h 00": the one writing of the pages and emails.
when_text, time_text = meeting_moments.when_text, meeting_moments.time_text


def until_text(meeting):
    """The end: its time alone on the same day, else the day and time."""
    starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    return time_text(ends) if starts.date() == ends.date() else when_text(ends)


def of_commune(commune):
    """ "de Saint-Denis (93)", "du Havre (76)", "d’Aubervilliers (93)" in French (typographic
    apostrophe); "of Saint-Denis (93)" otherwise. The one way co-construction names a
    committee's commune after "committee" (Committee.__str__, templatetags/committees.py)."""
    department = commune.department.code
    if (translation.get_language() or "").startswith("fr"):
        charniere = CHARNIERES.get(commune.name_type, "de ").replace("'", "’")
        return f"{charniere}{commune.name} ({department})"
    return f"of {commune.display_name} ({department})"


def agenda_summary(agenda):
    agenda = agenda.strip()
    if len(agenda) <= AGENDA_SUMMARY:
        return agenda
    return agenda[:AGENDA_SUMMARY].rsplit(" ", 1)[0].rstrip() + " […]"


# Sending --------------------------------------------------------------------------------------


def context(meeting, user, site):
    return {
        "user": user,
        "meeting": meeting,
        "body": body_label(meeting),
        "of_commune": of_commune(meeting.committee.commune) if meeting.committee_id else "",
        "is_committee": bool(meeting.committee_id),
        "starts": when_text(meeting.starts_at),
        "ends": until_text(meeting),
        "agenda": agenda_summary(meeting.agenda),
        "meeting_url": site + meeting.get_absolute_url(),
        "calendar_url": site + reverse("coconstruction:calendar_settings"),
    }


def _told(meeting, user, **filters):
    return MeetingNotice.objects.filter(meeting=meeting, user=user, **filters).exists()


def kind_for(meeting, user, change):
    """The email `user` gets for `change`, or None when nothing is to be sent."""
    if change not in INVITATIONS:
        return change
    if _told(meeting, user, change__in=INVITATIONS, sequence=meeting.sequence):
        return None  # told of this very version already
    return change if _told(meeting, user, change__in=INVITATIONS) else "created"


def tell(meeting, user, change, site):
    """Email `user` about `meeting` once for (change, sequence); 1 if queued now, else 0."""
    kind = kind_for(meeting, user, change)
    if kind is None:
        return 0
    with transaction.atomic():
        try:
            with transaction.atomic():
                MeetingNotice.objects.create(
                    meeting=meeting, user=user, change=kind, sequence=meeting.sequence
                )
        except IntegrityError:
            return 0  # another run told them
        with translation.override(user.language):
            attachment = email_ics(meeting, change=kind, attendee=user, site_url=site)
            email_send(
                template=f"coconstruction/emails/meeting_{kind}",
                to=user,
                context=context(meeting, user, site),
                attachments=[("invitation.ics", attachment, "text/calendar")],
            )
    return 1


def stale(meeting, change, sequence):
    """Whether the news is no longer true when the task runs (a later change will tell)."""
    if change in INVITATIONS:
        return meeting.is_cancelled or (
            change == "updated" and sequence is not None and meeting.sequence > sequence
        )
    if change == "cancelled":
        return not meeting.is_cancelled
    return meeting.is_cancelled or meeting.starts_at <= timezone.now()


def send(*, meeting_id, change, sequence=None):
    """Tell everyone concerned about `change` of the meeting; the number of emails queued."""
    meeting = with_body(Meeting.objects.filter(pk=meeting_id)).first()
    if meeting is None or stale(meeting, change, sequence):
        return 0
    site = site_url()
    count = sum(tell(meeting, user, change, site) for user in recipients(meeting))
    if change in INVITATIONS and count:
        Meeting.objects.filter(pk=meeting.pk, invitations_sent_at__isnull=True).update(
            invitations_sent_at=timezone.now()
        )
    return count


# Reminders ------------------------------------------------------------------------------------


def reminders_due(now=None):
    """The scheduled meetings starting in 12 to 36 hours whose reminder is not sent yet."""
    now = now or timezone.now()
    return Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED,
        reminder_sent_at__isnull=True,
        starts_at__gte=now + REMIND_FROM,
        starts_at__lt=now + REMIND_UNTIL,
    ).order_by("starts_at", "pk")


def claim_reminder(meeting, now=None):
    """Take the meeting's reminder for this run (one UPDATE): False if another run has it."""
    return bool(
        Meeting.objects.filter(pk=meeting.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=now or timezone.now()
        )
    )
