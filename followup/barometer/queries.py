"""Reads of the barometer, each in a fixed number of queries: barometers, the items a
voice of a commune rates, and the board's ratings (the latest barometer's and their
evolution year after year)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from frameworks.models import Framework

from .. import queries as followup_queries
from ..board import VOICES
from ..models import Barometer, Rating, Score, Voice
from ..rules import voices_of
from . import charts

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from frameworks.models import Item
    from territories.models import Commune

# The voices in addresses (the rating form's URL).
VOICE_SLUGS = {"municipalite": Voice.MUNICIPALITY, "societe-civile": Voice.CIVIL_SOCIETY}
SLUG_OF_VOICE = {voice: slug for slug, voice in VOICE_SLUGS.items()}


def family_q(slug: str, prefix: str = "") -> Q:
    """A filter on a framework (through `prefix`): the national framework of this slug, any
    version, and its local versions."""
    return Q(**{f"{prefix}slug": slug}) | Q(**{f"{prefix}parent__slug": slug})


def family_framework_ids(slug: str) -> set[int]:
    return set(Framework.objects.filter(family_q(slug)).values_list("pk", flat=True))


def national_frameworks() -> QuerySet[Framework]:
    """The current national frameworks (a barometer is opened for one of them)."""
    return (
        Framework.objects.current().filter(parent__isnull=True).select_related("publisher").order_by("title")
    )


def national_framework_get(slug: str) -> Framework | None:
    return national_frameworks().filter(slug=slug).first()


def barometer_get(slug: str, year: int) -> Barometer | None:
    return (
        Barometer.objects.filter(framework_slug=slug, year=year)
        .select_related("framework__publisher", "created_by")
        .first()
    )


def barometers() -> list[Barometer]:
    """Every barometer, latest year first, with its framework."""
    return list(Barometer.objects.select_related("framework__publisher").order_by("-year", "framework_slug"))


def barometer_items(barometer: Barometer, commune: Commune) -> list[Item]:
    """The commune's committed items that this barometer rates (its framework's, local
    versions' included), in the board's order."""
    family = family_framework_ids(barometer.framework_slug)
    items, _mandate = followup_queries.committed_items(commune)
    return [item for item, _committed_at in items if item.framework_id in family]


STAMP_CHARS = 16


def voice_ratings(barometer: Barometer, commune: Commune, voice: str) -> dict[int, Rating]:
    """A voice's ratings of the commune's items in this barometer, by item id."""
    ratings = Rating.objects.filter(barometer=barometer, commune=commune, voice=voice).select_related(
        "author"
    )
    return {rating.item_id: rating for rating in ratings}


def ratings_stamp(ratings: Iterable[Rating]) -> str:
    """What a voice's ratings are now, in a few characters: the rating form carries the stamp
    of the ratings it showed, and the service refuses to save over ratings that changed since
    (optimistic concurrency without a version column: the stamp is made of their values)."""
    rows = sorted((rating.item_id, rating.score, rating.comment) for rating in ratings)
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:STAMP_CHARS]


# The board ----------------------------------------------------------------------------------


@dataclass
class ItemRatings:
    """What the barometers say of one committed item of a commune: the latest barometer's
    rating of each voice, and each voice's ratings year after year."""

    barometer: Barometer
    latest: list[dict]  # per voice: {"voice", "label", "rating": {"score", "label", "comment"} or None}
    evolution: list[dict] = field(default_factory=list)  # per voice: {"voice", "label", "text", "sparkline"}


def _families(items: list[Item]) -> dict[int, str]:
    """The barometer family (national framework's slug) of each item, by item id."""
    parents = {item.framework.parent_id for item in items if item.framework.parent_id}
    slugs = dict(Framework.objects.filter(pk__in=parents).values_list("pk", "slug")) if parents else {}
    return {
        item.pk: slugs.get(item.framework.parent_id, "") if item.framework.parent_id else item.framework.slug
        for item in items
    }


def _evolution(years: list[Barometer], scores: dict[tuple[int, str], dict]) -> list[dict]:
    """Each voice's ratings of an item year after year (the voices that rated it at least once)."""
    labels = dict(Voice.choices)
    lines = []
    for voice in VOICES:
        points = [
            (barometer.year, (scores.get((barometer.pk, voice)) or {}).get("score")) for barometer in years
        ]
        if all(score is None for _year, score in points):
            continue  # this voice never rated the item: "not rated" above says it
        lines.append(
            {
                "voice": voice,
                "label": labels[voice],
                "text": charts.evolution_text(points),
                "sparkline": charts.sparkline(points, voice),
            }
        )
    return lines


def board_ratings(
    commune: Commune, items: list[Item], *, today: date | None = None
) -> dict[int, ItemRatings]:
    """For each item that a barometer already opened for: both voices' ratings in the
    latest one, and their evolution over the years (by item id). Three queries at most."""
    today = today or timezone.localdate()
    opened = list(Barometer.objects.filter(opens_on__lte=today).order_by("year"))
    if not opened or not items:
        return {}
    families = _families(items)
    by_family: dict[str, list[Barometer]] = {}
    for barometer in opened:
        by_family.setdefault(barometer.framework_slug, []).append(barometer)
    rows = Rating.objects.filter(commune=commune, barometer__in=opened, item__in=[item.pk for item in items])
    ratings: dict[int, dict[tuple[int, str], dict]] = {}
    for row in rows.values("barometer_id", "item_id", "voice", "score", "comment"):
        ratings.setdefault(row["item_id"], {})[(row["barometer_id"], row["voice"])] = row
    labels, voice_labels = dict(Score.choices), dict(Voice.choices)
    result = {}
    for item in items:
        years = by_family.get(families.get(item.pk, ""))
        if not years:
            continue
        scores = ratings.get(item.pk, {})
        latest = [
            {"voice": voice, "label": voice_labels[voice], "rating": scores.get((years[-1].pk, voice))}
            for voice in VOICES
        ]
        for entry in latest:
            if entry["rating"]:
                entry["rating"] = {**entry["rating"], "label": labels[entry["rating"]["score"]]}
        result[item.pk] = ItemRatings(
            barometer=years[-1], latest=latest, evolution=_evolution(years, scores) if len(years) > 1 else []
        )
    return result


def open_barometers(
    commune: Commune, items: list[Item], user: User | AnonymousUser, *, today: date | None = None
) -> list[dict]:
    """The barometers open today for some of the commune's committed items, with the rating
    forms this user may fill in (their voices)."""
    today = today or timezone.localdate()
    current = list(
        Barometer.objects.filter(opens_on__lte=today, closes_on__gte=today).select_related("framework")
    )
    if not current or not items:
        return []
    families = set(_families(items).values())
    voices = voices_of(user, commune) if user.is_authenticated else []
    labels = dict(Voice.choices)
    return [
        {
            "barometer": barometer,
            "forms": [(SLUG_OF_VOICE[voice], labels[voice]) for voice in voices],
        }
        for barometer in current
        if barometer.framework_slug in families
    ]
