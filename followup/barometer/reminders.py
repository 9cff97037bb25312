"""Reminders of the barometer, emailed by `manage.py barometer_reminders` (run daily):

- the day a barometer opens, and
- DAYS_BEFORE_CLOSING days before it closes,

to every person who may answer for a commune whose voice has not rated all its committed
items of the framework yet: the commune's verified municipal contacts (the municipality's
voice), the members of the local groups that follow it (civil society's). One email per
person and reminder, listing their communes with a link to each form, in the person's
language. Each email sent is recorded (BarometerReminder): a second run the same day, or
any later one, sends it no more.

Who is reminded is found in a fixed number of queries whatever the number of communes (the
ratings are counted in SQL; the committed items are read as (commune, year, item) rows)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse

from actors.models import Membership, MunicipalContact, Organization
from commitments.models import CommitmentItem, Declaration, DeclarationItem, MandateCommitment
from core.emails import email_send
from territories.models import Commune

from ..models import Barometer, BarometerReminder, Rating, Voice
from .queries import SLUG_OF_VOICE, family_framework_ids

if TYPE_CHECKING:
    from accounts.models import User

DAYS_BEFORE_CLOSING = 7
COMMUNES_LISTED = 20
Kind = BarometerReminder.Kind


@dataclass
class Recipient:
    user: User
    entries: list[tuple[Commune, str]] = field(default_factory=list)  # (commune, voice)


def due(today: date) -> list[tuple[Barometer, str]]:
    """The barometers to remind of today: those opening today, those closing in a week."""
    closing_day = today + timedelta(days=DAYS_BEFORE_CLOSING)
    barometers = Barometer.objects.filter(opens_on=today) | Barometer.objects.filter(closes_on=closing_day)
    result = []
    for barometer in barometers.select_related("framework").order_by("pk"):
        if barometer.opens_on == today:
            result.append((barometer, Kind.OPENING))
        if barometer.closes_on == closing_day:
            result.append((barometer, Kind.CLOSING))
    return result


def _latest_years(model, commune_field: str, **standing) -> dict[int, int]:
    rows = model.objects.filter(**standing).values(commune_field).annotate(year=Max("start_year")).order_by()
    return {row[commune_field]: row["year"] for row in rows}


def expected_counts(barometer: Barometer) -> dict[int, int]:
    """How many items of the barometer's framework each commune committed to for its
    current mandate, as followup.queries.committed_items counts them (the items of its
    standing commitments on the platform and of its standing declared commitments, for
    its latest mandate), for every commune at once: four queries."""
    platform = _latest_years(MandateCommitment, "commune_id", commitment__withdrawn_at__isnull=True)
    declared = _latest_years(Declaration, "commune_id", status__in=Declaration.STANDING)
    current = {
        commune: max(platform.get(commune, 0), declared.get(commune, 0)) for commune in {*platform, *declared}
    }
    family = family_framework_ids(barometer.framework_slug)
    items: dict[int, set[int]] = defaultdict(set)
    rows = CommitmentItem.objects.filter(
        commitment__withdrawn_at__isnull=True,
        commitment__mandate__isnull=False,
        item__framework_id__in=family,
    ).values_list("commitment__mandate__commune_id", "commitment__mandate__start_year", "item_id")
    declared_rows = DeclarationItem.objects.filter(
        declaration__status__in=Declaration.STANDING, item__framework_id__in=family
    ).values_list("declaration__commune_id", "declaration__start_year", "item_id")
    for commune, year, item in [*rows.distinct(), *declared_rows.distinct()]:
        if current.get(commune) == year:
            items[commune].add(item)
    return {commune: len(found) for commune, found in items.items()}


def _incomplete(barometer: Barometer) -> dict[str, set[int]]:
    """For each voice, the communes where it has not rated every committed item yet."""
    expected = expected_counts(barometer)
    answered = {
        (row["commune_id"], row["voice"]): row["items"]
        for row in Rating.objects.filter(barometer=barometer)
        .values("commune_id", "voice")
        .annotate(items=Count("item_id"))
        .order_by()
    }
    return {
        voice: {commune for commune, count in expected.items() if answered.get((commune, voice), 0) < count}
        for voice in Voice.values
    }


def _municipal_pairs(commune_ids: set[int]) -> set[tuple[int, int]]:
    """(user id, commune id) of the communes' verified municipal contacts."""
    return set(
        MunicipalContact.objects.filter(
            commune_id__in=commune_ids, status=MunicipalContact.Status.VERIFIED
        ).values_list("user_id", "commune_id")
    )


def _civil_society_pairs(commune_ids: set[int]) -> set[tuple[int, int]]:
    """(user id, commune id) of the members of the local groups that follow the communes:
    validated, visible local groups whose territory covers them (as actors.queries.group_covers)."""
    by_scale: dict[str, dict[int | None, set[int]]] = defaultdict(lambda: defaultdict(set))
    for pk, epci, department, region in Commune.objects.filter(pk__in=commune_ids).values_list(
        "pk", "epci_id", "department_id", "department__region_id"
    ):
        by_scale[Organization.Scale.COMMUNE][pk].add(pk)
        by_scale[Organization.Scale.EPCI][epci].add(pk)
        by_scale[Organization.Scale.DEPARTMENT][department].add(pk)
        by_scale[Organization.Scale.REGION][region].add(pk)
    groups = Organization.objects.filter(
        kind=Organization.Kind.LOCAL_GROUP, status=Organization.Status.VALIDATED, hidden_at__isnull=True
    ).values_list("pk", "scale", "commune_id", "epci_id", "department_id", "region_id")
    covered: dict[int, set[int]] = {}
    for pk, scale, commune, epci, department, region in groups:
        if scale == Organization.Scale.NATIONAL:
            communes = set(commune_ids)
        else:
            key = {"commune": commune, "epci": epci, "department": department, "region": region}.get(scale)
            communes = by_scale[scale].get(key, set()) if key is not None else set()
        if communes:
            covered[pk] = communes
    memberships = Membership.objects.filter(organization_id__in=covered).values_list(
        "user_id", "organization_id"
    )
    return {(user, commune) for user, group in memberships for commune in covered[group]}


def recipients(barometer: Barometer, kind: str) -> list[Recipient]:
    """Who to remind of this barometer (nobody already reminded of it for this kind),
    each with the communes and voices they have to answer for."""
    incomplete = _incomplete(barometer)
    pairs = {
        Voice.MUNICIPALITY: _municipal_pairs(incomplete[Voice.MUNICIPALITY]),
        Voice.CIVIL_SOCIETY: _civil_society_pairs(incomplete[Voice.CIVIL_SOCIETY]),
    }
    already = set(
        BarometerReminder.objects.filter(barometer=barometer, kind=kind).values_list("user_id", flat=True)
    )
    wanted: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for voice, found in pairs.items():
        for user_id, commune_id in found:
            if user_id not in already:
                wanted[user_id].append((commune_id, voice))
    users = get_user_model().objects.filter(pk__in=wanted, is_active=True).order_by("pk")
    communes = (
        Commune.objects.select_related("department")
        .defer("outline", "department__outline")
        .in_bulk({commune_id for entries in wanted.values() for commune_id, _voice in entries})
    )
    result = []
    for user in users:
        entries = sorted(
            ((communes[commune_id], voice) for commune_id, voice in wanted[user.pk]),
            key=lambda entry: (entry[0].search_name, entry[0].code, entry[1]),
        )
        result.append(Recipient(user=user, entries=entries))
    return result


def _email(recipient: Recipient, barometer: Barometer, kind: str, site_url: str) -> None:
    labels = dict(Voice.choices)
    links = [
        {
            "commune": f"{commune.display_name} ({commune.department.code})",
            "voice": labels[voice],
            "url": site_url
            + reverse(
                "followup:barometer_rate",
                args=[commune.code, barometer.framework_slug, barometer.year, SLUG_OF_VOICE[voice]],
            ),
        }
        for commune, voice in recipient.entries
    ]
    email_send(
        template="followup/barometer/emails/reminder",
        to=recipient.user,
        context={
            "user": recipient.user,
            "barometer": barometer,
            "framework": barometer.framework.title,
            "closing": kind == Kind.CLOSING,
            "links": links[:COMMUNES_LISTED],
            "more": max(len(links) - COMMUNES_LISTED, 0),
            "barometer_url": site_url + barometer.get_absolute_url(),
        },
    )


def reminders_send(*, today: date, site_url: str, dry_run: bool = False) -> list[tuple[Barometer, str, int]]:
    """Email the reminders due today; (barometer, kind, emails sent) for each reminder due."""
    site_url = site_url.rstrip("/")
    report = []
    for barometer, kind in due(today):
        found = recipients(barometer, kind)
        if not dry_run:
            with transaction.atomic():
                BarometerReminder.objects.bulk_create(
                    [
                        BarometerReminder(
                            barometer=barometer, user=r.user, kind=kind, communes_count=len(r.entries)
                        )
                        for r in found
                    ]
                )  # a concurrent run's row for the same person fails here, before any email
                for recipient in found:
                    _email(recipient, barometer, kind, site_url)
        report.append((barometer, kind, len(found)))
    return report
