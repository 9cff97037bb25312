"""Calendars: a person's private link (CalendarToken: only the token's hash is stored), and
meetings written as iCalendar (RFC 5545) with the `icalendar` package.

One meeting is one VEVENT whatever the calendar it appears in (a commune's feed, a
committee's, a person's, an email's attachment): UID `<meeting.uid>@<host of SITE_URL>`,
SEQUENCE the meeting's, times in UTC, STATUS CONFIRMED or CANCELLED (a cancelled meeting
stays in the feeds, so that calendars that had it take it away). Feeds carry no METHOD;
an email's attachment says REQUEST (an invitation or an update) or CANCEL (RFC 5546),
with the platform as ORGANIZER and the recipient as the one ATTENDEE."""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress

from accounts.models import User
from core.tokens import TOKEN_MAX_LENGTH, new_token, token_hash
from notifications.delivery import site_url as default_site_url

from ..models import CalendarToken, Meeting

PRODID = "-//Hospitalite//Co-construction//FR"
# A link's last use is written at most this often (a calendar app asks every few minutes).
LAST_USED_EVERY = 3600  # seconds
DESCRIPTION_MAX = 4000  # characters of the agenda copied into an event
REFRESH = timedelta(hours=4)


# Private links -------------------------------------------------------------------------------


def link_create(user: User) -> str:
    """A new private link for `user`, replacing (revoking) any link they had; returns the
    token, which is shown once: only its hash is kept."""
    token, hashed = new_token()
    with transaction.atomic():
        CalendarToken.objects.filter(user=user).delete()
        try:
            with transaction.atomic():
                CalendarToken.objects.create(user=user, token_hash=hashed)
        except IntegrityError:  # a double submit made one at the same moment: replace it
            CalendarToken.objects.filter(user=user).update(
                token_hash=hashed, created_at=timezone.now(), last_used_at=None
            )
    return token


def link_revoke(user: User) -> bool:
    """Remove the person's private link: every URL made with it answers 404. True if one was."""
    deleted, _rows = CalendarToken.objects.filter(user=user).delete()
    return bool(deleted)


def link_owner(token: str) -> User | None:
    """The active user whose link this token is, or None (unknown, revoked, or an inactive
    account); notes the link's use (at most once an hour)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    link = (
        CalendarToken.objects.select_related("user")
        .filter(token_hash=token_hash(token), user__is_active=True)
        .first()
    )
    if link is None:
        return None
    now = timezone.now()
    if link.last_used_at is None or (now - link.last_used_at).total_seconds() > LAST_USED_EVERY:
        CalendarToken.objects.filter(pk=link.pk).update(last_used_at=now)
    return link.user


# iCalendar -----------------------------------------------------------------------------------


def uid_host() -> str:
    """The host that makes the events' UIDs unique the world over (SITE_URL's, stable)."""
    return urlsplit(default_site_url()).hostname or "localhost"


def meeting_uid(meeting: Meeting) -> str:
    return f"{meeting.uid}@{uid_host()}"


def body_label(meeting: Meeting) -> str:
    """Whose meeting: "Saint-Denis (93)" for a committee's, the working group's name."""
    if meeting.committee_id:
        commune = meeting.committee.commune
        return f"{commune.display_name} ({commune.department.code})"
    return meeting.working_group.name


def summary(meeting: Meeting) -> str:
    return f"{meeting.title} — {body_label(meeting)}"


def location(meeting: Meeting) -> str:
    return meeting.place or meeting.video_url


def description(meeting: Meeting, url: str) -> str:
    """The agenda as plain text (its Markdown is readable as it is), the video link, the
    reason of a cancellation, and the meeting's page."""
    parts = []
    if meeting.is_cancelled:
        reason = meeting.cancelled_reason
        parts.append(
            _("Cancelled: %(reason)s") % {"reason": reason} if reason else _("This meeting is cancelled.")
        )
    if meeting.agenda.strip():
        agenda = meeting.agenda.strip()
        if len(agenda) > DESCRIPTION_MAX:
            agenda = agenda[:DESCRIPTION_MAX].rstrip() + "…"
        parts.append(_("Agenda:") + "\n" + agenda)
    if meeting.video_url and meeting.place:
        parts.append(_("Video link: %(url)s") % {"url": meeting.video_url})
    parts.append(_("Details and registration: %(url)s") % {"url": url})
    return "\n\n".join(parts)


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(microsecond=0)


def meeting_event(
    meeting: Meeting, *, site_url: str, stamp: datetime | None = None, attendee: User | None = None
) -> Event:
    """The meeting's VEVENT. `stamp`: its DTSTAMP (feeds give the meeting's last change,
    emails the time they are written); `attendee`: the user an email goes to."""
    url = site_url.rstrip("/") + meeting.get_absolute_url()
    modified = _utc(meeting.updated_at)
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", _utc(stamp or meeting.updated_at))
    event.add("dtstart", _utc(meeting.starts_at))
    event.add("dtend", _utc(meeting.ends_at))
    event.add("created", _utc(meeting.created_at))
    event.add("last-modified", modified)
    event.add("summary", summary(meeting))
    if location(meeting):
        event.add("location", location(meeting))
    event.add("url", url)
    event.add("description", description(meeting, url))
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("class", "PUBLIC" if meeting.is_public else "PRIVATE")
    event.add("transp", "TRANSPARENT" if meeting.is_cancelled else "OPAQUE")
    if attendee is not None:
        organizer = vCalAddress(f"mailto:{_address(settings.DEFAULT_FROM_EMAIL)}")
        organizer.params["cn"] = settings.SITE_NAME
        event.add("organizer", organizer)
        guest = vCalAddress(f"mailto:{attendee.email}")
        guest.params["cn"] = attendee.public_name
        guest.params["role"] = "REQ-PARTICIPANT"
        guest.params["rsvp"] = "FALSE"
        event.add("attendee", guest)
    return event


def _address(from_email: str) -> str:
    """The bare address of "Name <address>"."""
    return from_email.rsplit("<", 1)[-1].rstrip(">").strip()


def calendar(
    meetings: Iterable[Meeting],
    *,
    name: str,
    site_url: str,
    method: str | None = None,
    stamp: datetime | None = None,
    attendee: User | None = None,
) -> Calendar:
    """A VCALENDAR of `meetings` (with their committee's commune and department, or their
    working group, selected)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    else:  # a feed: how often calendar apps should read it again
        cal.add("refresh-interval", REFRESH, parameters={"value": "DURATION"})
        cal.add("x-published-ttl", "PT4H")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    for meeting in meetings:
        cal.add_component(meeting_event(meeting, site_url=site_url, stamp=stamp, attendee=attendee))
    return cal


def feed_bytes(meetings: Iterable[Meeting], *, name: str, site_url: str) -> bytes:
    return calendar(meetings, name=name, site_url=site_url).to_ical()


def email_ics(meeting: Meeting, *, change: str, attendee: User, site_url: str) -> str:
    """The attachment of an email about `meeting`: METHOD:CANCEL for a cancellation,
    REQUEST otherwise (an invitation, an update, a reminder)."""
    method = "CANCEL" if change == "cancelled" else "REQUEST"
    cal = calendar(
        [meeting],
        name=summary(meeting),
        site_url=site_url,
        method=method,
        stamp=timezone.now(),
        attendee=attendee,
    )
    return cal.to_ical().decode()


def with_body(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """`meetings` with what the events say about their body, in one query."""
    return meetings.select_related("committee__commune__department", "working_group").defer(
        "committee__commune__outline",
        "committee__commune__town_hall_address",
        "committee__commune__department__outline",
        "committee__commune__department__bbox",
        "minutes",
        "working_group__purpose",
        "working_group__conclusion",
    )
