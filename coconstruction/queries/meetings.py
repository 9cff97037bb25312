"""Reads of meetings, each in a fixed number of queries: a meeting with what its page shows
(registrations, decisions), the committed items a decision may be about, the decisions on
an item of a commune (the follow-up timeline's panel), and a meeting's moment as people
read it ("mardi 8 décembre 2026 à 18 h 00", Paris time, with its ISO instant in UTC for
the page's script to show it in the viewer's timezone)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.utils.translation import npgettext

from actors.rules import is_moderator
from core.history import history_entries
from followup import queries as followup_queries

from ..forms.meetings import paris
from ..models import Attendance, Committee, Decision, Meeting, Registration, WorkingGroup
from ..templatetags.meetings import time_text, when_text

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from frameworks.models import Item
    from territories.models import Commune

PANEL_DECISIONS = 20
HISTORY_MAX = 100


def committee_of(code: str) -> Committee | None:
    return Committee.objects.select_related("commune").filter(commune__code=code).first()


def working_group_get(pk: int) -> WorkingGroup | None:
    return WorkingGroup.objects.select_related("committee__commune", "organization").filter(pk=pk).first()


def meeting_get(pk: int) -> Meeting | None:
    return (
        Meeting.objects.select_related(
            "committee__commune", "working_group__committee__commune", "working_group__organization"
        )
        .filter(pk=pk)
        .first()
    )


# Moments ----------------------------------------------------------------------------------


def moment(value: datetime, *, with_day: bool = True) -> dict:
    """{"iso": the instant in UTC, "text": as people in Paris read it (templatetags/meetings.py)}."""
    text = when_text(value) if with_day else time_text(value)
    return {"iso": value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "text": text, "with_day": with_day}


def when(meeting: Meeting) -> dict:
    """The meeting's start and end as the page shows them (the end's day when it differs)."""
    same_day = meeting.starts_at.astimezone(paris()).date() == meeting.ends_at.astimezone(paris()).date()
    return {"start": moment(meeting.starts_at), "end": moment(meeting.ends_at, with_day=not same_day)}


# A meeting's page ------------------------------------------------------------------------------


def registrations_of(meeting: Meeting, user: User | AnonymousUser, *, insider: bool) -> dict:
    """The count of people registered, the viewer's own registration, and (for insiders)
    the names of the people registered."""
    active = Registration.objects.filter(meeting=meeting, cancelled_at__isnull=True)
    people = list(active.select_related("user").order_by("registered_at", "pk")) if insider else None
    count = len(people) if people is not None else active.count()
    mine = None
    if user.is_authenticated:
        mine = next((row for row in people if row.user_id == user.pk), None) if people is not None else None
        if people is None:
            mine = active.filter(user=user).first()
    capacity = meeting.capacity
    return {
        "count": count,
        "capacity": capacity,
        "left": None if capacity is None else max(capacity - count, 0),
        "full": capacity is not None and count >= capacity,
        "mine": mine,
        "people": people,
    }


def decisions_of(meeting: Meeting, user: User | AnonymousUser) -> list[Decision]:
    """The meeting's decisions, in the order they were recorded (hidden ones: moderators only)."""
    decisions = meeting.decisions.select_related("item__framework", "commune").order_by("created_at", "pk")
    if not (user.is_authenticated and is_moderator(user)):
        decisions = decisions.filter(hidden_at__isnull=True)
    return list(decisions)


def attendance_of(meeting: Meeting) -> list[tuple[int, str]]:
    """[(count, "élus")] for the categories counted (numbers only)."""
    counted = []
    for category in Attendance.values:
        count = getattr(meeting, f"attended_{category}")
        if count is not None:
            counted.append((count, _attendance_label(category, count)))
    return counted


def _attendance_label(category: str, count: int) -> str:
    if category == Attendance.ELECTED:
        return npgettext("attendance count", "elected official", "elected officials", count)
    if category == Attendance.STAFF:
        return npgettext(
            "attendance count", "member of the municipal staff", "members of the municipal staff", count
        )
    if category == Attendance.ASSOCIATIONS:
        return npgettext("attendance count", "member of an association", "members of associations", count)
    if category == Attendance.RESIDENTS:
        return npgettext("attendance count", "resident", "residents", count)
    return npgettext(
        "attendance count",
        "person with lived experience of exile",
        "people with lived experience of exile",
        count,
    )


def meeting_history(meeting: Meeting) -> list[dict]:
    return history_entries(list(meeting.history.order_by("-history_date", "-history_id")[:HISTORY_MAX]))


def committed_items(commune: Commune | None) -> list[Item]:
    """The items the commune committed to for the mandate, in the board's order."""
    if commune is None:
        return []
    items, _mandate = followup_queries.committed_items(commune)
    return [item for item, _at in items]


# The follow-up timeline's panel -------------------------------------------------------------


def _openly_visible(meeting: Meeting) -> bool:
    """Seen by everyone, without asking the rules: a public meeting of a committee, or of
    a public working group."""
    if not meeting.is_public:
        return False
    return meeting.working_group_id is None or meeting.working_group.is_public


def item_decisions(commune: Commune, item: Item, user: User | AnonymousUser) -> list[Decision]:
    """The decisions on this item in this commune that the viewer may see, newest meeting
    first (one query; the rules are asked once per committee or working group whose
    members-only meetings decided on it)."""
    decisions = (
        Decision.objects.filter(commune=commune, item=item, hidden_at__isnull=True)
        .select_related("meeting__committee__commune", "meeting__working_group__committee")
        .order_by("-meeting__starts_at", "-created_at", "-pk")[:PANEL_DECISIONS]
    )
    allowed: dict[tuple, bool] = {}
    shown = []
    for decision in decisions:
        meeting = decision.meeting
        if not _openly_visible(meeting):
            key = (meeting.committee_id, meeting.working_group_id, meeting.visibility)
            if key not in allowed:
                allowed[key] = user.has_perm("coconstruction.view_meeting", meeting)
            if not allowed[key]:
                continue
        decision.when = moment(meeting.starts_at)
        shown.append(decision)
    return shown


def item_panel(subject: tuple, request) -> dict | None:
    """The "followup_item" panel's context: the decisions on the item (None: none to show)."""
    commune, item = subject
    decisions = item_decisions(commune, item, request.user)
    if not decisions:
        return None
    return {"decisions": decisions, "commune": commune, "item": item}
