"""The barometer's counts: how many communes each voice put at each level, per item and
per theme, for the whole country (a barometer's page), a department or a region (their
pages' panels), and for one item over the years (the item page's panel).

Counted in SQL (GROUP BY on the ratings' indexes): the number of queries is fixed, and
what Python receives grows with the number of items, never with the number of communes.
A local version's item counts for the national items it stands for."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils import timezone

from frameworks.models import Item
from frameworks.queries import item_equivalents
from territories.models import Commune

from ..board import VOICES
from ..models import Barometer, Rating, Score, Voice
from . import charts

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from frameworks.models import Theme
    from territories.models import Department, Region

Counts = dict[str, Counter]  # voice -> Counter(score -> number of ratings)


def block(counts: Counts) -> dict:
    """One aggregate as the pages show it: a table (a row per level, a column per voice)
    and the bars that draw it."""
    labels = dict(Voice.choices)
    lines = [
        {
            "voice": voice,
            "label": labels[voice],
            "counts": [(v, label, counts.get(voice, Counter())[v]) for v, label in Score.choices],
        }
        for voice in VOICES
    ]
    table = [
        {
            "value": value,
            "label": label,
            "colour": colour,
            "counts": [counts.get(voice, Counter())[value] for voice in VOICES],
        }
        for value, label, colour in charts.levels()
    ]
    totals = [sum(counts.get(voice, Counter()).values()) for voice in VOICES]
    return {
        "voices": [line["label"] for line in lines],
        "table": table,
        "totals": totals,
        "chart": charts.bars(lines),
    }


def _national_codes(item_ids: set[int]) -> dict[int, set[str]]:
    """For each rated item: the codes of the national items it counts for (its own code for a
    national item; the national items it stands for, for a local one). One query."""
    codes: dict[int, set[str]] = defaultdict(set)
    rows = Item.objects.filter(pk__in=item_ids).values_list(
        "pk", "code", "framework__parent_id", "national_items__code"
    )
    for pk, code, parent_id, national_code in rows:
        if parent_id is None:
            codes[pk].add(code)
        elif national_code:
            codes[pk].add(national_code)
    return codes


def _framework_items(framework_ids: set[int]) -> dict[int, list[Item]]:
    """The items of these (national) framework versions, in order, with their themes. Two queries."""
    items = (
        Item.objects.filter(framework_id__in=framework_ids)
        .select_related("section")
        .prefetch_related("themes")
        .order_by("framework_id", "section__position", "position")
    )
    result: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        result[item.framework_id].append(item)
    return result


def _summaries(barometers: list[Barometer], rows: list[dict], respondents: list[dict]) -> list[dict]:
    """Each barometer's counts per item and per theme of its framework, from the GROUP BY rows."""
    codes = _national_codes({row["item_id"] for row in rows})
    items_of = _framework_items({barometer.framework_id for barometer in barometers})
    answered = defaultdict(dict)
    for row in respondents:
        answered[row["barometer_id"]][row["voice"]] = row["communes"]
    summaries = []
    for barometer in barometers:
        by_code: dict[str, Counts] = defaultdict(lambda: defaultdict(Counter))
        for row in rows:
            if row["barometer_id"] == barometer.pk:
                for code in codes.get(row["item_id"], ()):
                    by_code[code][row["voice"]][row["score"]] += row["n"]
        summaries.append(
            _summary(barometer, items_of[barometer.framework_id], by_code, answered[barometer.pk])
        )
    return summaries


def _summary(barometer: Barometer, items: list[Item], by_code: dict[str, Counts], answered: dict) -> dict:
    themes: dict[str, tuple[Theme, Counts]] = {}
    item_blocks = []
    for item in items:
        counts = by_code.get(item.code)
        if not counts:
            continue
        item_blocks.append({"item": item, **block(counts)})
        for theme in item.themes.all():
            theme_counts = themes.setdefault(theme.code, (theme, defaultdict(Counter)))[1]
            for voice, counter in counts.items():
                theme_counts[voice].update(counter)
    ordered = sorted(themes.values(), key=lambda entry: (entry[0].position, entry[0].code))
    labels = dict(Voice.choices)
    return {
        "barometer": barometer,
        "respondents": [(labels[voice], answered.get(voice, 0)) for voice in VOICES],
        "themes": [{"theme": theme, **block(counts)} for theme, counts in ordered],
        "items": item_blocks,
    }


def _counted(ratings: QuerySet[Rating], barometers: list[Barometer]) -> list[dict]:
    rows = list(
        ratings.values("barometer_id", "item_id", "voice", "score").annotate(n=Count("pk")).order_by()
    )
    if not rows:
        return []
    respondents = list(
        ratings.values("barometer_id", "voice")
        .annotate(communes=Count("commune_id", distinct=True))
        .order_by()
    )
    return _summaries(barometers, rows, respondents)


def barometer_summary(barometer: Barometer) -> dict | None:
    """The whole country's counts in a barometer (None when nobody rated yet)."""
    summaries = _counted(Rating.objects.filter(barometer=barometer), [barometer])
    return summaries[0] if summaries else None


def latest_barometers(*, today: date | None = None) -> list[Barometer]:
    """The latest barometer that opened, for each framework."""
    today = today or timezone.localdate()
    latest: dict[str, Barometer] = {}
    for barometer in (
        Barometer.objects.filter(opens_on__lte=today).select_related("framework").order_by("year")
    ):
        latest[barometer.framework_slug] = barometer
    return sorted(latest.values(), key=lambda barometer: barometer.framework.title)


def area_panel(area: Department | Region, communes: Q, *, today: date | None = None) -> dict | None:
    """A department's or region's counts (`communes`: a filter on Commune) in the latest
    barometer of each framework (None when none of its communes was rated)."""
    barometers = latest_barometers(today=today)
    if not barometers:
        return None
    ratings = Rating.objects.filter(
        barometer__in=[barometer.pk for barometer in barometers],
        commune_id__in=Commune.objects.filter(communes).values("pk"),
    )
    summaries = _counted(ratings, barometers)
    return {"area": area, "summaries": summaries} if summaries else None


def department_panel(department: Department) -> dict | None:
    return area_panel(department, Q(department=department))


def region_panel(region: Region) -> dict | None:
    return area_panel(region, Q(department__region=region))


def item_panel(item: Item) -> dict | None:
    """The item page's panel: the counts per level and voice for this item (and the items
    that stand for it: other versions' of the same code, local versions') in each barometer,
    latest first (None when it was never rated). Two queries."""
    equivalents = Item.objects.filter(
        Q(pk__in=item_equivalents(item)) | Q(framework__slug=item.framework.slug, code=item.code)
    ).values("pk")
    # Grouped by score first: SQLite then reads the ratings through their item index (grouped
    # by barometer first, it would scan a barometer-ordered index to save its sort).
    rows = list(
        Rating.objects.filter(item_id__in=equivalents)
        .values("score", "voice", "barometer_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    if not rows:
        return None
    counts: dict[int, Counts] = defaultdict(lambda: defaultdict(Counter))
    for row in rows:
        counts[row["barometer_id"]][row["voice"]][row["score"]] += row["n"]
    years = Barometer.objects.filter(pk__in=counts).select_related("framework").order_by("-year")
    return {
        "item": item,
        "years": [{"barometer": barometer, **block(counts[barometer.pk])} for barometer in years],
    }
