"""What the task worker does: write the notifications of an event (fan-out), email one
event at once, email a person's weekly digest.

Memory stays flat whatever the number of followers: people are read by pages of CHUNK
ids, each page from the last id of the one before (no cursor stays open while the pages
are written: on SQLite, writing to the table being read by an open cursor may skip rows).

Each email is built from the rows it claims (`claimed_at`, one UPDATE: two workers never
claim the same row), and the rows are marked sent once the email is sent. An email that
fails gives its rows back; a worker that dies leaves a claim that is given up after
CLAIM_TIMEOUT, so the next run sends those rows. A digest is sent at most once every
DIGEST_INTERVAL to a person, whatever runs the cron makes.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import UTC, datetime, timedelta
from itertools import groupby
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db.models import Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation

from core.emails import render_text

from . import events, services
from .models import CLAIM_TIMEOUT, Notification, Preference, Subscription

if TYPE_CHECKING:
    from accounts.models import User

CHUNK = 1000
DIGEST_MAX = 100  # events told in one digest; the others are counted
DIGEST_INTERVAL = timedelta(days=6)  # a weekly cron run a little early still sends
KEEP_SENT = timedelta(days=90)
DEFAULT_SITE_URL = "http://localhost:8000"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A commune's and its department's outlines are long texts an email never shows.
HEAVY = (
    "commune__outline",
    "commune__town_hall_address",
    "commune__department__outline",
    "commune__department__bbox",
)


def site_url() -> str:
    """Links in emails: SITE_URL (the task worker has no request to take a host from)."""
    return settings.SITE_URL.rstrip("/") or DEFAULT_SITE_URL


def pages_of_ids(ids: QuerySet, size: int = CHUNK) -> Iterator[list[int]]:
    """Distinct user ids of a queryset, by pages of `size`, in order."""
    last = 0
    while True:
        page = list(
            ids.filter(user_id__gt=last)
            .values_list("user_id", flat=True)
            .distinct()
            .order_by("user_id")[:size]
        )
        if not page:
            return
        yield page
        last = page[-1]


# Fan-out ------------------------------------------------------------------------------------


def subscribers(
    *, commune_id: int | None, item_ids: list[int], group_ids: list[int], author_ids: list[int]
) -> QuerySet[Subscription]:
    """The subscriptions that an event of this commune, these items and these groups concerns
    (active people, never its authors)."""
    targets = Q(pk__in=[])
    if commune_id is not None:
        targets |= Q(commune_id=commune_id)
    if item_ids:
        targets |= Q(item_id__in=item_ids)
    if group_ids:
        targets |= Q(organization_id__in=group_ids)
    return Subscription.objects.filter(targets, user__is_active=True).exclude(user_id__in=author_ids)


def fan_out(
    *,
    event: str,
    object_id: int,
    commune_id: int | None,
    item_ids: list[int],
    group_ids: list[int],
    author_ids: list[int],
    recipient_ids: Collection[int] = (),
) -> int:
    """One notification per person concerned (however many of their subscriptions match,
    and whether or not they are also among `recipient_ids`, the people named by the
    event's app), and an email task for each one who wants it at once; the number of
    people."""
    events.source(event)
    people = 0
    matching = subscribers(
        commune_id=commune_id, item_ids=item_ids, group_ids=group_ids, author_ids=author_ids
    )
    for page in pages_of_ids(matching):
        people += _tell(page, event=event, object_id=object_id, commune_id=commune_id)
    others = sorted(set(recipient_ids) - set(author_ids))
    for start in range(0, len(others), CHUNK):
        chunk = others[start : start + CHUNK]
        followers = set(matching.filter(user_id__in=chunk).values_list("user_id", flat=True))
        page = list(
            get_user_model()
            .objects.filter(pk__in=[pk for pk in chunk if pk not in followers], is_active=True)
            .values_list("pk", flat=True)
            .order_by("pk")
        )
        people += _tell(page, event=event, object_id=object_id, commune_id=commune_id)
    return people


def _tell(page: list[int], *, event: str, object_id: int, commune_id: int | None) -> int:
    """The notifications of these people, and the emails of those who want them at once."""
    from .tasks import send_event

    if not page:
        return 0
    Notification.objects.bulk_create(
        [
            Notification(user_id=user_id, event=event, object_id=object_id, commune_id=commune_id)
            for user_id in page
        ],
        ignore_conflicts=True,  # already told of it (a fan-out run twice)
    )
    at_once = Preference.objects.filter(user_id__in=page, frequency=Preference.Frequency.IMMEDIATE)
    for user_id in at_once.values_list("user_id", flat=True):
        send_event.enqueue(user_id=user_id, event=event, object_id=object_id)
    return len(page)


# Claims ---------------------------------------------------------------------------------------


def _claim(rows: QuerySet[Notification]) -> QuerySet[Notification] | None:
    """Claim the pending rows among `rows` (one UPDATE); the claimed rows, None if none."""
    now = timezone.now()
    if not rows.pending(now).update(claimed_at=now):
        return None
    return rows.filter(claimed_at=now, sent_at__isnull=True)


def _recipient(user_id: int) -> User | None:
    return get_user_model().objects.filter(pk=user_id, is_active=True).exclude(email="").first()


def _message(
    user: User, subject: str, template: str, context: dict, preference: Preference | None = None
) -> EmailMultiAlternatives:
    """The email, in the person's language, with the links to unsubscribe (in the text and
    in the List-Unsubscribe header, which mail clients show as a button)."""
    token = services.unsubscribe_token(user, preference)
    unsubscribe_url = site_url() + reverse("notifications:unsubscribe", args=[token])
    context = {
        **context,
        "user": user,
        "site_url": site_url(),
        "subscriptions_url": site_url() + reverse("notifications:subscriptions"),
        "unsubscribe_url": unsubscribe_url,
    }
    body = render_text(f"notifications/emails/{template}_body.txt", context)
    return EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )


def _send(claimed: QuerySet[Notification], build) -> int:
    """Send the email `build()` makes (None: nothing left to tell), then mark the claimed
    rows sent; give them back if anything fails."""
    try:
        message = build()
        sent = message.send() if message is not None else 0
    except BaseException:
        claimed.update(claimed_at=None)
        raise
    claimed.update(sent_at=timezone.now())
    return sent


# One event at once --------------------------------------------------------------------------------


def claim_expiry(rows: QuerySet[Notification], now: datetime | None = None) -> datetime | None:
    """When the oldest claim still held on unsent rows among `rows` is given up; None if none."""
    now = now or timezone.now()
    held = rows.filter(sent_at__isnull=True, claimed_at__gte=now - CLAIM_TIMEOUT)
    oldest = held.aggregate(oldest=Min("claimed_at"))["oldest"]
    return oldest + CLAIM_TIMEOUT if oldest else None


def event_rows(*, user_id: int, event: str, object_id: int) -> QuerySet[Notification]:
    return Notification.objects.filter(user_id=user_id, event=event, object_id=object_id)


def digest_rows(user_id: int) -> QuerySet[Notification]:
    return Notification.objects.filter(user_id=user_id)


def send_event(*, user_id: int, event: str, object_id: int) -> int:
    """Email one event to a person who wants them at once (unless already told)."""
    user = _recipient(user_id)
    rows = event_rows(user_id=user_id, event=event, object_id=object_id)
    claimed = _claim(rows) if user is not None else None
    if claimed is None:
        return 0

    def build() -> EmailMultiAlternatives | None:
        source = events.source(event)
        obj = source.objects([object_id]).get(object_id)
        if obj is None:  # hidden (or gone) since
            return None
        row = claimed.select_related("commune__department").defer(*HEAVY).first()
        with translation.override(user.language or settings.LANGUAGE_CODE):
            entry = source.describe(obj)
            context = {
                "event": entry,
                "url": site_url() + entry.path,
                "commune": row.commune if row else None,
            }
            subject = render_text("notifications/emails/event_subject.txt", context)
            return _message(user, subject, "event", context)

    return _send(claimed, build)


# The weekly digest ------------------------------------------------------------------------------------


def pending_users() -> Iterator[list[int]]:
    """The people who have something to be told, by pages of ids."""
    return pages_of_ids(Notification.objects.pending())


def prune(now: datetime | None = None) -> int:
    """Forget the notifications sent long ago."""
    deleted, _rows = Notification.objects.filter(sent_at__lt=(now or timezone.now()) - KEEP_SENT).delete()
    return deleted


def _digest_groups(rows: list[Notification]) -> list[tuple[object, list]]:
    """[(commune or None, [(event, url)…])…], by commune name, each commune's events by date
    (in the active language: called within translation.override)."""
    by_source: dict[str, list[int]] = {}
    for row in rows:
        by_source.setdefault(row.event, []).append(row.object_id)
    objects = {key: events.source(key).objects(ids) for key, ids in by_source.items()}
    told = []
    for row in rows:
        obj = objects[row.event].get(row.object_id)
        if obj is not None:
            entry = events.source(row.event).describe(obj)
            told.append((row.commune, entry, site_url() + entry.path))
    told.sort(key=_digest_order)
    return [
        (commune, [(entry, url) for _commune, entry, url in entries])
        for commune, entries in groupby(told, key=lambda one: one[0])
    ]


def _digest_order(told: tuple) -> tuple:
    """Communes by name (homonyms apart), events without a commune last; each one's by date."""
    commune, entry, _url = told
    return (
        commune is None,
        commune.name if commune else "",
        commune.pk if commune else 0,
        entry.date or EPOCH,
    )


def send_digest(*, user_id: int) -> int:
    """Email a person every event not told yet, in one email grouped by commune (at most
    once every DIGEST_INTERVAL)."""
    user = _recipient(user_id)
    if user is None:  # deactivated since: nothing will be told
        Notification.objects.filter(user_id=user_id, sent_at__isnull=True).delete()
        return 0
    preference = services.preference_get(user)
    now = timezone.now()
    if preference.last_digest_at and now - preference.last_digest_at < DIGEST_INTERVAL:
        return 0  # next week's
    claimed = _claim(digest_rows(user_id))
    if claimed is None:
        return 0

    def build() -> EmailMultiAlternatives | None:
        rows = list(
            claimed.select_related("commune__department")
            .defer(*HEAVY)
            .order_by("-created_at", "-pk")[:DIGEST_MAX]
        )
        total = claimed.count() if len(rows) == DIGEST_MAX else len(rows)
        with translation.override(user.language or settings.LANGUAGE_CODE):
            groups = _digest_groups(rows)
            if not groups:
                return None
            count = sum(len(entries) for _commune, entries in groups)
            context = {"groups": groups, "count": count, "more": total - len(rows)}
            subject = render_text("notifications/emails/digest_subject.txt", context)
            return _message(user, subject, "digest", context, preference)

    sent = _send(claimed, build)
    if sent:
        Preference.objects.filter(pk=preference.pk).update(last_digest_at=now)
    return sent
