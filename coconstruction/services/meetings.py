"""Writes of meetings: scheduling one (for a committee or a working group), editing it,
cancelling it with a reason, registrations (with a capacity held under concurrency), the
minutes with the attendance counts, and the decisions on the commune's committed items.

Each function checks what it must, writes in one transaction, and returns its result or
raises MeetingError with a message for people (`field` says which form field it is
about). Every change people see of a meeting's date, place or agenda moves its iCalendar
`sequence` on and tells the people concerned once the transaction commits
(notices.meeting_changed).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.concurrency import claim
from followup import queries as followup_queries

from .. import notices, withdrawals
from ..models import Attendance, Committee, Decision, Meeting, Registration, WorkingGroup
from ..models.meetings import PLACE_MAX, TITLE_MAX

if TYPE_CHECKING:
    from accounts.models import User
    from frameworks.models import Item
    from territories.models import Commune


# The fields of a meeting that its form edits (each one is seen by the people invited).
FIELDS = ("title", "starts_at", "ends_at", "place", "video_url", "agenda", "visibility", "capacity")
REASON_MAX = 500
DECISION_MAX = 3000
# A second identical meeting scheduled this soon after the first by the same person is the
# same submission sent twice (a double click): it is not created again.
DOUBLE_SUBMIT = timedelta(minutes=2)


class MeetingError(Exception):
    """A refused write; the message is shown as is, on `field` when the form has it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field_errors = {field: [message]} if field else None


def _tell(meeting: Meeting, change: str) -> None:
    transaction.on_commit(lambda: notices.meeting_changed(meeting, change))


def _single_line(value: str | None) -> str:
    return " ".join((value or "").split())


def _checked(fields: dict[str, Any], *, now: datetime, meeting: Meeting | None = None) -> dict[str, Any]:
    """The meeting's fields, cleaned, or MeetingError."""
    values = {name: fields.get(name) for name in FIELDS}
    values["title"] = _single_line(values["title"])
    values["place"] = _single_line(values["place"])
    values["video_url"] = (values["video_url"] or "").strip()
    values["agenda"] = (values["agenda"] or "").strip()
    if not values["title"]:
        raise MeetingError(_("Give the meeting a title."), "title")
    if len(values["title"]) > TITLE_MAX or len(values["place"]) > PLACE_MAX:
        raise MeetingError(_("The title or the place is too long."), "title")
    starts_at, ends_at = values["starts_at"], values["ends_at"]
    if starts_at is None or ends_at is None:
        raise MeetingError(_("Give the date and the start and end times."), "date")
    if ends_at <= starts_at:
        raise MeetingError(_("The meeting must end after it starts: check the end time."), "end_time")
    moved = meeting is None or meeting.starts_at != starts_at
    if moved and starts_at < now:
        raise MeetingError(_("This date and time are past: choose a moment to come."), "date")
    if not values["place"] and not values["video_url"]:
        raise MeetingError(_("Give a place, a video link, or both."), "place")
    if values["visibility"] not in Meeting.Visibility.values:
        raise MeetingError(_("Say who may see the meeting."), "visibility")
    capacity = values["capacity"]
    if capacity is not None and capacity < 1:
        raise MeetingError(_("The number of places is at least 1 (leave it empty for no limit)."), "capacity")
    if meeting is not None and capacity is not None:
        registered = _registered_count(meeting)
        if capacity < registered:
            raise MeetingError(
                ngettext(
                    "%(count)s person is already registered: the number of places cannot be lower.",
                    "%(count)s people are already registered: the number of places cannot be lower.",
                    registered,
                )
                % {"count": registered},
                "capacity",
            )
    return values


def _registered_count(meeting: Meeting) -> int:
    return Registration.objects.filter(meeting=meeting, cancelled_at__isnull=True).count()


# Scheduling, editing, cancelling ---------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    user: User,
    committee: Committee | None = None,
    working_group: WorkingGroup | None = None,
    now: datetime | None = None,
    **fields: object,
) -> Meeting:
    """A meeting of the committee or of the working group (exactly one)."""
    if (committee is None) == (working_group is None):
        raise MeetingError(_("A meeting is held by a committee or by a working group."))
    # The body's row is held until the transaction ends (PostgreSQL: FOR UPDATE), so that
    # a double submit's second request waits, then finds the first one's meeting below.
    if committee is not None:
        Committee.objects.select_for_update().filter(pk=committee.pk).first()
    else:
        working_group = WorkingGroup.objects.select_for_update().get(pk=working_group.pk)
    if working_group is not None and working_group.is_closed:
        raise MeetingError(_("This working group is closed: it holds no new meeting."))
    now = now or timezone.now()
    values = _checked(fields, now=now)
    twin = Meeting.objects.filter(
        committee=committee,
        working_group=working_group,
        created_by=user,
        created_at__gte=now - DOUBLE_SUBMIT,
        title=values["title"],
        starts_at=values["starts_at"],
        status=Meeting.Status.SCHEDULED,
    ).first()
    if twin is not None:
        return twin
    meeting = Meeting(
        committee=committee,
        working_group=working_group,
        created_by=user,
        created_at=now,
        updated_at=now,
        **values,
    )
    meeting._history_user = user
    meeting.save()
    _tell(meeting, "created")
    return meeting


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, user: User, version: int | None = None, now: datetime | None = None, **fields: object
) -> Meeting:
    """The meeting's edit, unless it changed since `version` (ConcurrentEdit)."""
    claim(meeting, version)
    meeting.refresh_from_db()
    if meeting.is_cancelled:
        raise MeetingError(_("This meeting is cancelled: it can no longer be changed."))
    now = now or timezone.now()
    values = _checked(fields, now=now, meeting=meeting)
    changed = [name for name, value in values.items() if getattr(meeting, name) != value]
    for name in changed:
        setattr(meeting, name, values[name])
    if changed:
        meeting.sequence += 1
        meeting.updated_at = now
    if "starts_at" in changed:
        meeting.reminder_sent_at = None  # the day before the new date is reminded again
    meeting._history_user = user
    meeting.save()
    if "visibility" in changed and not meeting.is_public:
        registrations_withdraw(meeting, now=now)
    if changed:
        _tell(meeting, "updated")
    return meeting


def registrations_withdraw(meeting: Meeting, *, now: datetime) -> list[int]:
    """A meeting now for members only: the registrations of the people who may no longer
    see it are cancelled, and they are told (their calendar loses it). The ids told."""
    registrations = Registration.objects.filter(meeting=meeting, cancelled_at__isnull=True).select_related(
        "user"
    )
    outsiders = [
        row for row in registrations if not row.user.has_perm("coconstruction.view_meeting", meeting)
    ]
    ids = [row.user_id for row in outsiders]
    if ids:
        Registration.objects.filter(pk__in=[row.pk for row in outsiders]).update(cancelled_at=now)
        transaction.on_commit(lambda: withdrawals.tell_withdrawn(meeting, ids))
    return ids


@transaction.atomic
def meeting_cancel(
    *, meeting: Meeting, user: User, reason: str, version: int | None = None, now: datetime | None = None
) -> Meeting:
    """The meeting is cancelled, with a reason; it stays listed (and in the calendars) as such."""
    reason = _single_line(reason)
    if not reason:
        raise MeetingError(_("Say why the meeting is cancelled: the people invited will read it."), "reason")
    if len(reason) > REASON_MAX:
        raise MeetingError(
            _("The reason is too long: %(max)s characters at most.") % {"max": REASON_MAX}, "reason"
        )
    claim(meeting, version)
    meeting.refresh_from_db()
    if meeting.is_cancelled:
        raise MeetingError(_("This meeting is already cancelled."))
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancelled_reason = reason
    meeting.sequence += 1
    meeting.updated_at = now or timezone.now()
    meeting._history_user = user
    meeting.save()
    _tell(meeting, "cancelled")
    return meeting


# Registrations ----------------------------------------------------------------------------


def _locked(meeting: Meeting) -> Meeting:
    """The meeting's row, held until the transaction ends (PostgreSQL: FOR UPDATE; SQLite's
    IMMEDIATE transactions already hold the database for writing)."""
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


@transaction.atomic
def registration_create(*, meeting: Meeting, user: User, now: datetime | None = None) -> Registration:
    """The person comes to the meeting: one registration per person, within the places left.
    Registering twice (a double click) finds the registration already made."""
    now = now or timezone.now()
    current = _locked(meeting)
    registration = Registration.objects.filter(meeting=current, user=user).first()
    if registration is not None and registration.is_active:
        return registration
    if current.is_cancelled:
        raise MeetingError(_("This meeting is cancelled: registrations are closed."))
    if (
        current.working_group_id
        and WorkingGroup.objects.filter(pk=current.working_group_id, closed_at__isnull=False).exists()
    ):
        raise MeetingError(_("This working group is closed: registrations are closed."))
    if current.ends_at <= now:
        raise MeetingError(_("This meeting is over: registrations are closed."))
    if current.capacity is not None and _registered_count(current) >= current.capacity:
        raise MeetingError(_("This meeting is full: there is no place left."))
    if registration is not None:
        registration.cancelled_at = None
        registration.registered_at = now
        registration.save(update_fields=["cancelled_at", "registered_at"])
        return registration
    try:
        with transaction.atomic():
            return Registration.objects.create(meeting=current, user=user, registered_at=now)
    except IntegrityError:  # the same person's other request, a moment before
        return Registration.objects.get(meeting=current, user=user)


@transaction.atomic
def registration_cancel(*, meeting: Meeting, user: User, now: datetime | None = None) -> Registration | None:
    """The person no longer comes: their place is freed (nothing happens when they had none)."""
    registration = Registration.objects.select_for_update().filter(meeting=meeting, user=user).first()
    if registration is None or not registration.is_active:
        return registration
    registration.cancelled_at = now or timezone.now()
    registration.save(update_fields=["cancelled_at"])
    return registration


# Minutes and decisions ----------------------------------------------------------------------


@transaction.atomic
def minutes_save(
    *,
    meeting: Meeting,
    user: User,
    minutes: str,
    attendance: dict[str, int | None],
    publish: bool,
    version: int | None = None,
    now: datetime | None = None,
) -> Meeting:
    """The minutes and the attendance counts (numbers only, by category), published or not."""
    now = now or timezone.now()
    claim(meeting, version)
    meeting.refresh_from_db()
    if meeting.is_cancelled:
        raise MeetingError(_("This meeting is cancelled: it has no minutes."))
    if meeting.starts_at > now:
        raise MeetingError(_("The minutes are written once the meeting has started."))
    minutes = (minutes or "").strip()
    if publish and not minutes:
        raise MeetingError(_("Write the minutes before publishing them."), "minutes")
    for category in Attendance.values:
        count = attendance.get(category)
        if count is not None and (not isinstance(count, int) or count < 0):
            raise MeetingError(_("A count of people is a whole number, 0 or more."), f"attended_{category}")
        setattr(meeting, f"attended_{category}", count)
    meeting.minutes = minutes
    if publish and meeting.minutes_published_at is None:
        meeting.minutes_published_at = now
    elif not publish:
        meeting.minutes_published_at = None
    meeting._history_user = user
    meeting.save()
    return meeting


def meeting_commune(meeting: Meeting) -> Commune | None:
    """The commune whose committed items the meeting decides on (None: a working group of
    an organisation, outside any committee)."""
    if meeting.committee_id is not None:
        return meeting.committee.commune
    group = meeting.working_group
    return group.committee.commune if group is not None and group.committee_id is not None else None


@transaction.atomic
def decision_add(
    *, meeting: Meeting, user: User, item: Item, text: str, now: datetime | None = None
) -> Decision:
    """What the meeting decided about one of the commune's committed items; it shows in
    the item's timeline. The same decision sent twice is recorded once."""
    commune = meeting_commune(meeting)
    if commune is None:
        raise MeetingError(
            _(
                "This working group belongs to no commune's committee: its meetings record no decision on commitments."
            )
        )
    if meeting.is_cancelled:
        raise MeetingError(_("This meeting is cancelled: it records no decision."))
    text = (text or "").strip()
    if not text:
        raise MeetingError(_("Write what was decided."), "text")
    if len(text) > DECISION_MAX:
        raise MeetingError(
            _("The decision is too long: %(max)s characters at most.") % {"max": DECISION_MAX}, "text"
        )
    if item is None or not followup_queries.is_committed(commune, item):
        raise MeetingError(_("Choose one of the items the commune committed to for the mandate."), "item")
    same = Decision.objects.filter(meeting=meeting, item=item, text=text, hidden_at__isnull=True).first()
    if same is not None:
        return same
    decision = Decision(
        meeting=meeting,
        commune=commune,
        item=item,
        text=text,
        created_by=user,
        created_at=now or timezone.now(),
    )
    decision._history_user = user
    decision.save()
    return decision


@transaction.atomic
def decision_delete(*, decision: Decision, user: User) -> None:
    """A decision recorded by mistake is taken back (its history keeps the fact)."""
    decision._history_user = user
    decision.delete()
