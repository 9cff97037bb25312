"""Reads of frameworks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q

from .models import FILTER_GROUPS, THEME_GROUPS, THEMES, Framework, FrameworkDraft, Item, Section, Theme

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.utils.functional import Promise
    from simple_history.models import HistoricalChanges

    from actors.models import Organization

# The editor's history page shows this many of the latest edits.
DRAFT_HISTORY_LIMIT = 200


def current_frameworks() -> QuerySet[Framework]:
    """The current national frameworks (local versions are listed under theirs)."""
    return (
        Framework.objects.current()
        .filter(parent__isnull=True)
        .select_related("publisher")
        .annotate(item_count=Count("items"))
        .order_by("title")
    )


def framework_get(slug: str, version: str | None = None) -> Framework | None:
    frameworks = Framework.objects.select_related("publisher", "parent").filter(slug=slug)
    frameworks = frameworks.filter(version=version) if version else frameworks.filter(is_current=True)
    return frameworks.first()


def framework_sections(framework: Framework, *, theme: str | None = None) -> list[Section]:
    """The framework's sections with their items (filtered by theme), in four queries.

    Each section has `entries`, its items, each with `theme_list`, `national_list` (the
    national items a local item stands for) and `url`: what the page template reads."""
    items = Item.objects.select_related("framework").order_by("position").prefetch_related("themes")
    if framework.is_local:
        items = items.prefetch_related(
            Prefetch("national_items", queryset=Item.objects.select_related("framework"))
        )
    if theme:
        items = items.filter(themes__code=theme)
    sections = framework.sections.order_by("position").prefetch_related(Prefetch("items", queryset=items))
    result = []
    for section in sections:
        section.entries = list(section.items.all())
        for item in section.entries:
            item.theme_list = list(item.themes.all())
            item.national_list = list(item.national_items.all()) if framework.is_local else []
            item.url = item.get_absolute_url()
        if section.entries:
            result.append(section)
    return result


def theme_filter_groups(themes: Iterable[Theme]) -> list[tuple[Promise, list[Theme]]]:
    """The themes of a filter, grouped as welcome and transition themes."""
    by_code = {theme.code: theme for theme in themes}
    groups, seen = [], set()
    for group in FILTER_GROUPS:
        label, codes = THEME_GROUPS[group]
        members = [by_code[code] for code in codes if code in by_code and code not in seen]
        seen.update(codes)
        if members:
            groups.append((label, members))
    return groups


def framework_themes(framework: Framework) -> QuerySet[Theme]:
    """The themes used by the framework's items, with how many items each."""
    return (
        Theme.objects.filter(items__framework=framework)
        .annotate(item_count=Count("items"))
        .order_by("position")
    )


def framework_versions(framework: Framework) -> QuerySet[Framework]:
    return Framework.objects.filter(slug=framework.slug).order_by("-year", "-version")


def item_local_versions(item: Item) -> QuerySet[Item]:
    """The items of local versions that stand for this national item, with their versions."""
    return (
        item.local_items.filter(framework__is_current=True)
        .select_related("framework__publisher")
        .order_by("framework__title", "position")
    )


def item_get(framework: Framework, code: str) -> Item | None:
    items = framework.items.select_related("section", "framework__parent").prefetch_related(
        "themes", "levels"
    )
    if framework.is_local:
        items = items.prefetch_related(
            Prefetch("national_items", queryset=Item.objects.select_related("framework"))
        )
    return items.filter(code=code).first()


def local_versions(framework: Framework) -> QuerySet[Framework]:
    """The current local versions of a national framework (any of its versions)."""
    return (
        Framework.objects.current()
        .filter(parent__slug=framework.slug)
        .select_related("publisher__commune", "publisher__department", "publisher__region")
        .order_by("title")
    )


def groups_by_ids(ids: Iterable[int]) -> QuerySet[Organization]:
    from actors.models import Organization

    return Organization.objects.filter(pk__in=ids).order_by("name")


def draft_history(slug: str, limit: int = DRAFT_HISTORY_LIMIT) -> list[HistoricalChanges]:
    """The edits of the drafts of a framework (its open draft and the published ones)."""
    records = list(
        FrameworkDraft.history.filter(slug=slug)
        .order_by("-history_date")
        .only("history_date", "history_user_id", "history_type", "change", "revision", "id")[:limit]
    )
    users = get_user_model().objects.in_bulk({r.history_user_id for r in records if r.history_user_id})
    for record in records:
        user = users.get(record.history_user_id)
        record.author = user.public_name if user else None
    return records


def preview(data: dict[str, Any], *, theme: str = "") -> dict[str, Any]:
    """The public page's content for a draft (filtered by theme), built from its checked
    data without writing.

    Raises validation.FrameworksLoadError when the draft cannot be read."""
    from .validation import database_context, parse_data

    checked = parse_data(data, context=database_context())
    themes = {theme.code: theme for theme in Theme.objects.all()}
    national = {}
    if checked.get("parent_id"):
        national = {item.code: item for item in Item.objects.filter(framework_id=checked["parent_id"])}
    sections = []
    for section in checked["sections"]:
        entries = [
            SimpleNamespace(
                code=item["code"],
                title=item["title"],
                summary=item["summary"],
                confidence=item["confidence"],
                to_confirm=item["confidence"] != Item.Confidence.CONFIRMED,
                theme_list=[themes[code] for code in item["themes"] if code in themes],
                national_list=[national[code] for code in item.get("maps_to", []) if code in national],
                url="",
            )
            for item in checked["items"]
            if item["section"] == section["code"] and (not theme or theme in item["themes"])
        ]
        if entries:
            sections.append(SimpleNamespace(**section, entries=entries))
    used = Counter(code for item in checked["items"] for code in item["themes"])
    for code, count in used.items():
        if code in themes:
            themes[code].item_count = count
    framework = SimpleNamespace(
        **{key: checked[key] for key in ("slug", "version", "title", "short_title", "year", "description")},
        source_url=checked["source_url"],
        is_complete=checked["is_complete"],
        missing=checked["missing"],
        is_current=True,
        is_local=bool(checked.get("parent_id")),
    )
    return {
        "framework": framework,
        "sections": sections,
        "theme_groups": theme_filter_groups([theme for code, theme in themes.items() if code in used]),
        "theme": theme,
        "theme_label": THEMES.get(theme, ""),
        "versions": [],
    }


def item_equivalents(item: Item) -> QuerySet[Item, dict[str, Any]]:
    """The item and the local items that stand for it, as a subquery of ids: commitments
    to any of them count for the item on national pages and counts."""
    return Item.objects.filter(Q(pk=item.pk) | Q(national_items=item)).values("pk")


def framework_with_local_versions(framework: Framework) -> Q:
    """A filter on a framework foreign key: this version and its local versions."""
    return Q(framework=framework) | Q(framework__parent=framework)
