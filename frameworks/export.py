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


def data_diff(old: dict, new: dict) -> dict:
    """What changed from `old` to `new` (two mappings in the files' format)."""
    old_items = {str(item.get("code")): item for item in old.get("items") or [] if isinstance(item, dict)}
    new_items = {str(item.get("code")): item for item in new.get("items") or [] if isinstance(item, dict)}
    reworded, themes, levels, moved, confidence = [], [], [], [], []
    for code, item in new_items.items():
        before = old_items.get(code)
        if before is None:
            continue
        if _item_key(before) != _item_key(item):
            reworded.append({"code": code, "old": before, "new": item})
        old_themes, new_themes = set(before.get("themes") or []), set(item.get("themes") or [])
        if old_themes != new_themes:
            themes.append(
                {
                    "code": code,
                    "item": item,
                    "added": [THEMES.get(theme, theme) for theme in sorted(new_themes - old_themes)],
                    "removed": [THEMES.get(theme, theme) for theme in sorted(old_themes - new_themes)],
                }
            )
        if (before.get("levels") or []) != (item.get("levels") or []):
            levels.append(
                {
                    "code": code,
                    "item": item,
                    "old": before.get("levels") or [],
                    "new": item.get("levels") or [],
                }
            )
        if before.get("section") != item.get("section"):
            moved.append(
                {"code": code, "item": item, "old": before.get("section"), "new": item.get("section")}
            )
        if (before.get("confidence") or "confirmed") != (item.get("confidence") or "confirmed"):
            confidence.append(
                {
                    "code": code,
                    "item": item,
                    "old": before.get("confidence") or "confirmed",
                    "new": item.get("confidence") or "confirmed",
                }
            )
    head = [
        {"key": key, "label": label, "old": old.get(key), "new": new.get(key)}
        for key, label in HEAD_LABELS.items()
        if old.get(key) != new.get(key)
    ]
    return {
        "added": [item for code, item in new_items.items() if code not in old_items],
        "removed": [item for code, item in old_items.items() if code not in new_items],
        "reworded": reworded,
        "themes": themes,
        "levels": levels,
        "moved": moved,
        "confidence": confidence,
        "head": head,
        "is_empty": not (
            set(old_items) ^ set(new_items) or reworded or themes or levels or moved or confidence or head
        ),
    }
