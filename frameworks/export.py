"""A framework version as data in the format of frameworks/data/*.yaml, and the
differences between two versions (both pure reads)."""

from __future__ import annotations

from typing import Any

import yaml
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from .models import THEMES, Framework, Item

# The style of frameworks/data/: lines of at most YAML_WIDTH characters; a text longer than
# FOLD_OVER characters (or on several lines) is written as a folded block (">").
YAML_WIDTH = 88
FOLD_OVER = 90

HEAD_LABELS = {
    "title": _("title"),
    "short_title": _("short title"),
    "description": _("description"),
    "source_url": _("address of the official text"),
    "year": _("year"),
    "missing": _("items not yet on the platform"),
}


def framework_data(framework: Framework) -> dict:
    """The version in the files' format: loading its YAML gives the same version back."""
    items = (
        Item.objects.filter(framework=framework)
        .select_related("section")
        .prefetch_related("themes", "levels", Prefetch("national_items", queryset=Item.objects.only("code")))
        .order_by("position")
    )
    data = {
        "slug": framework.slug,
        "title": framework.title,
        "short_title": framework.short_title,
        "publisher": framework.publisher.slug,
        "version": framework.version,
        "year": framework.year,
        "source_url": framework.source_url,
        "description": framework.description,
        "complete": framework.is_complete,
        "missing": framework.missing,
    }
    if framework.parent_id:
        data["based_on"] = {"slug": framework.parent.slug, "version": framework.parent.version}
    data["sections"] = [
        {"code": s.code, "kind": s.kind, "title": s.title, "summary": s.summary}
        for s in framework.sections.order_by("position")
    ]
    data["items"] = [_item_data(item, local=framework.parent_id is not None) for item in items]
    return data


def _item_data(item: Item, *, local: bool) -> dict[str, Any]:
    entry = {
        "code": item.code,
        "section": item.section.code,
        "title": item.title,
        "summary": item.summary,
        "themes": sorted(theme.code for theme in item.themes.all()),
    }
    levels = [{"code": level.code, "title": level.title} for level in item.levels.all()]
    if levels:
        entry["levels"] = levels
    if item.confidence != Item.Confidence.CONFIRMED:
        entry["confidence"] = item.confidence
    if item.sources:
        entry["sources"] = list(item.sources)
    if local:
        entry["maps_to"] = sorted(national.code for national in item.national_items.all())
    return entry


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml's emitter when there
    pass


def _text(dumper: _Dumper, value: str) -> yaml.ScalarNode:
    style = ">" if len(value) > FOLD_OVER or "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def to_yaml(data: dict) -> str:
    """YAML text in the style of frameworks/data/ (codes stay text: "01" is not 1)."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=YAML_WIDTH)


def _item_key(item: dict[str, Any]) -> tuple[str, str]:
    return (item.get("title", ""), item.get("summary", ""))


def _items_by_code(data: dict) -> dict:
    return {str(item.get("code")): item for item in data.get("items") or [] if isinstance(item, dict)}


def _changed(before: dict, item: dict, key: str, default: object) -> tuple | None:
    """(old, new) when the item's `key` changed, else None."""
    old, new = before.get(key) or default, item.get(key) or default
    return (old, new) if old != new else None


def _theme_change(before: dict, item: dict) -> dict | None:
    old, new = set(before.get("themes") or []), set(item.get("themes") or [])
    if old == new:
        return None
    return {
        "added": [THEMES.get(theme, theme) for theme in sorted(new - old)],
        "removed": [THEMES.get(theme, theme) for theme in sorted(old - new)],
    }


def _item_changes(old_items: dict, new_items: dict) -> dict:
    """The changes of the items present in both versions, by kind of change."""
    changes = {"reworded": [], "themes": [], "levels": [], "moved": [], "confidence": []}
    for code, item in new_items.items():
        before = old_items.get(code)
        if before is None:
            continue
        if _item_key(before) != _item_key(item):
            changes["reworded"].append({"code": code, "old": before, "new": item})
        if themes := _theme_change(before, item):
            changes["themes"].append({"code": code, "item": item, **themes})
        for kind, key, default in (
            ("levels", "levels", []),
            ("moved", "section", None),
            ("confidence", "confidence", "confirmed"),
        ):
            if changed := _changed(before, item, key, default):
                changes[kind].append({"code": code, "item": item, "old": changed[0], "new": changed[1]})
    return changes


def data_diff(old: dict, new: dict) -> dict:
    """What changed from `old` to `new` (two mappings in the files' format)."""
    old_items, new_items = _items_by_code(old), _items_by_code(new)
    changes = _item_changes(old_items, new_items)
    head = [
        {"key": key, "label": label, "old": old.get(key), "new": new.get(key)}
        for key, label in HEAD_LABELS.items()
        if old.get(key) != new.get(key)
    ]
    return {
        "added": [item for code, item in new_items.items() if code not in old_items],
        "removed": [item for code, item in old_items.items() if code not in new_items],
        **changes,
        "head": head,
        "is_empty": not (set(old_items) ^ set(new_items) or any(changes.values()) or head),
    }
