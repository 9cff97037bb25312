"""Reads for territories that need care: search, sorted lists, map layers."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Case, F, IntegerField, Prefetch, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from .models import Commune, CommuneWord, Department, ImportRun, PostalCode, Region, full_name
from .normalize import query_variants

if TYPE_CHECKING:
    from django.db.models import QuerySet

CODE_PREFIX = re.compile(r"^(?:\d{1,5}|2[ab]\d{0,3})$", re.IGNORECASE)
DEPARTMENT_CODE = re.compile(r"^(?:\d{2}|2[ab]|97\d)$", re.IGNORECASE)
MAX_QUERY_LENGTH = 100  # a typed query is cut to this: longer than any commune's name
# How long data_version() is remembered: an import shows within a minute.
DATA_VERSION_CACHE_SECONDS = 60

# Sort keys offered on lists of communes: the URL value -> ordering.
COMMUNE_SORTS = {
    "nom": ("search_name", "code"),
    "-nom": ("-search_name", "code"),
    "population": (F("population").asc(nulls_first=True), "search_name"),
    "-population": (F("population").desc(nulls_last=True), "search_name"),
    "code": ("code",),
    "-code": ("-code",),
}
DEFAULT_COMMUNE_SORT = "nom"


# Lists never show outlines: leave these large text columns out of their queries.
LIST_DEFERRED = ("outline", "town_hall_address", "department__outline", "department__bbox")


def prefix(field: str, value: str) -> Q:
    """`field` starts with `value`, as a range that every database serves from an index
    (SQLite does not use an index for LIKE 'x%')."""
    if not value or ord(value[-1]) >= sys.maxunicode:  # the last character has no next one
        return Q(**{f"{field}__startswith": value})
    following = value[:-1] + chr(ord(value[-1]) + 1)
    return Q(**{f"{field}__gte": value, f"{field}__lt": following})


CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def clean_query(text: str | None, max_length: int = MAX_QUERY_LENGTH) -> str:
    """A typed query without control characters (PostgreSQL refuses NUL), trimmed."""
    return CONTROL_CHARACTERS.sub(" ", text or "").strip()[:max_length]


def with_postal_codes(queryset: QuerySet[Commune]) -> QuerySet[Commune]:
    """Prefetch what Commune.all_postal_codes() reads (two or three queries in all)."""
    return queryset.prefetch_related(
        "postal_codes",
        Prefetch(
            "arrondissements",
            queryset=Commune.objects.filter(is_active=True).prefetch_related("postal_codes"),
        ),
    )


def search_communes(query: str | None) -> QuerySet[Commune]:
    """Active communes matching a name, a postal code or an INSEE code, best first.

    Names ignore case, accents, hyphens, apostrophes and ligatures and
    understand "St", "Ste"…; a trailing department code narrows the search
    ("saint denis 974"). Homonyms come by decreasing population.
    """
    query = clean_query(query)
    communes = Commune.objects.active().select_related("department").defer(*LIST_DEFERRED)
    if not query:
        return communes.none()
    if CODE_PREFIX.match(query):
        return _search_by_code(communes, query.upper())
    return _search_by_name(communes, query)


def _search_by_code(communes: QuerySet[Commune], code: str) -> QuerySet[Commune]:
    """Communes whose INSEE or postal code starts with `code`; exact codes first."""
    by_postal_code = PostalCode.objects.filter(prefix("code", code)).order_by().values("commune")
    # A city divided into arrondissements (Paris, Lyon, Marseille) has the
    # postal codes of its arrondissements.
    cities = Commune.objects.filter(pk__in=by_postal_code, parent__isnull=False).order_by().values("parent")
    by_code = Commune.objects.filter(prefix("code", code)).order_by().values("pk")
    # One IN over a UNION of three index lookups: an OR of the three would make
    # PostgreSQL scan the whole commune table.
    matches = Q(pk__in=by_code.union(by_postal_code, cities))
    exact_postal = PostalCode.objects.filter(code=code).values("commune")
    rank = Case(
        When(code=code, then=Value(0)),
        When(pk__in=exact_postal, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        communes.filter(matches)
        .annotate(rank=rank)
        .order_by("rank", F("population").desc(nulls_last=True), "code")
    )


def _name_conditions(variants: list[str], where: Q | None = None) -> tuple[Q, Q, list[When], list[When]]:
    """For these spellings of a name: the communes' words to look up (anchors), the
    names that match, and the ranks (exact name, name that starts so), all within `where`."""
    matches, anchors, exact, start = Q(), Q(), [], []
    for variant in variants:
        key = " " + variant
        compact = variant.replace(" ", "")
        # Every typed word begins a word of the name: the longest one, looked up
        # in the word index, narrows the candidates; the checks below run on them only.
        anchors |= prefix("word", max(variant.split(" "), key=len)) | prefix("word", compact)
        matches |= Q(search_name__contains=key) | Q(search_compact__startswith=compact)
        exact.append(When(Q(search_name=key) & (where or Q()), then=Value(0)))
        start.append(When(Q(search_name__startswith=key) & (where or Q()), then=Value(1)))
    if where is not None:
        matches &= where
    return matches, anchors, exact, start


def _search_by_name(communes: QuerySet[Commune], query: str) -> QuerySet[Commune]:
    """Communes whose name matches one of the query's spellings; exact names first, then
    names that start with the query. A trailing department code narrows the search
    ("saint denis 93"), unless it is part of the name ("paris 11" is Paris 11e)."""
    variants = query_variants(query)
    if not variants or not variants[0]:
        return communes.none()
    matches, anchors, exact, start = _name_conditions(variants)
    words = variants[0].split(" ")
    if len(words) > 1 and DEPARTMENT_CODE.match(words[-1]):
        in_department = Q(department__code=words[-1].upper())
        shorter = [" ".join(variant.split(" ")[:-1]) for variant in variants]
        more = _name_conditions(shorter, in_department)
        matches, anchors = matches | more[0], anchors | more[1]
        exact, start = more[2] + exact, more[3] + start
    communes = communes.filter(pk__in=CommuneWord.objects.filter(anchors).values("commune"))
    rank = Case(*exact, *start, default=Value(2), output_field=IntegerField())
    return (
        communes.filter(matches)
        .annotate(rank=rank)
        .order_by("rank", F("population").desc(nulls_last=True), "search_name", "code")
    )


def code_reasons(communes: Iterable[Commune], query: str) -> None:
    """Tell why each commune found by a code appears: `matched_postal_codes` (the postal
    codes that start with the query, its arrondissements' for a city) or
    `matched_insee_code`. Reads what with_postal_codes() prefetched: no query."""
    query = clean_query(query).upper()
    by_code = bool(CODE_PREFIX.match(query))
    for commune in communes:
        postal = [code for code in commune.all_postal_codes() if code.startswith(query)] if by_code else []
        commune.matched_postal_codes = postal[:3]
        commune.matched_insee_code = (
            commune.code if by_code and not postal and commune.code.startswith(query) else ""
        )


def sorted_communes(queryset: QuerySet[Commune], sort: str | None) -> tuple[QuerySet[Commune], str]:
    """Apply a whitelisted sort; return (queryset, the sort applied)."""
    if sort not in COMMUNE_SORTS:
        sort = DEFAULT_COMMUNE_SORT
    return queryset.order_by(*COMMUNE_SORTS[sort]), sort


def data_version() -> str:
    """Changes with every import: a cache key and ETag for derived data."""
    version = cache.get("territories:data-version")
    if version is None:
        last = ImportRun.objects.order_by("-finished_at").values_list("pk", "finished_at").first()
        version = f"{last[0]}-{last[1].timestamp():.0f}" if last else "empty"
        cache.set("territories:data-version", version, DATA_VERSION_CACHE_SECONDS)
    return version


def data_imported_on() -> date | None:
    """The day the official data (and the mayors of the RNE) were last imported, None
    before any import: read from data_version(), which is cached."""
    version = data_version()
    if version == "empty":
        return None
    timestamp = int(version.rsplit("-", 1)[1])
    return timezone.localdate(datetime.fromtimestamp(timestamp, tz=UTC))


def _feature_collection(features: Iterable[str]) -> str:
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def _feature(geometry: str, properties: dict[str, Any]) -> str:
    return '{"type":"Feature","properties":%s,"geometry":%s}' % (
        json.dumps(properties, ensure_ascii=False),
        geometry,
    )


def department_outlines_geojson() -> str:
    rows = Department.objects.exclude(outline="").select_related("region").order_by("code")
    return _feature_collection(
        _feature(
            department.outline,
            {
                "code": department.code,
                "name": department.display_name,
                "url": department.get_absolute_url(),
                "communes_url": department.get_absolute_url() + "communes.geojson",
                "region": department.region.code,
            },
        )
        for department in rows
    )


def region_outlines_geojson() -> str:
    rows = Region.objects.exclude(outline="").order_by("code")
    return _feature_collection(
        _feature(
            region.outline,
            {"code": region.code, "name": region.display_name, "url": region.get_absolute_url()},
        )
        for region in rows
    )


def department_communes_geojson(department: Department) -> str:
    rows = (
        Commune.objects.active()
        .filter(department=department, latitude__isnull=False)
        .order_by(F("population").desc(nulls_last=True))
        .values_list("code", "name", "name_type", "population", "latitude", "longitude")
    )
    url = reverse("territories:commune", args=["00000"]).replace("00000", "%s")
    return _feature_collection(
        _feature(
            '{"type":"Point","coordinates":[%s,%s]}' % (longitude, latitude),
            {"code": code, "name": full_name(name, name_type), "population": population, "url": url % code},
        )
        for code, name, name_type, population, latitude, longitude in rows
    )
