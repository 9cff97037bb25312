"""Writing frameworks: loading the YAML files of frameworks/data/, and publishing drafts.

Files and drafts go through the same check (`validation.parse_data`) and the same writer
(`_write`). A version is written whole in one transaction. Within a version, the texts of
items nobody signed may be corrected in place; changing a signed item's text, or removing
it, is refused ("publish a new version"). A new version is new rows: the commitments
signed on an older version keep pointing at the older version's items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import PROTECT, ProtectedError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import THEMES, Framework, Item, Level, Section, Theme
from .validation import FrameworksLoadError, database_context, parse_file

if TYPE_CHECKING:
    from accounts.models import User

DATA_DIR = Path(__file__).resolve().parent / "data"

__all__ = ["DATA_DIR", "FrameworksLoadError", "LoadReport", "framework_write", "frameworks_load"]


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Versions published online since their file was written: the file does not overwrite them.
    kept: list[str] = field(default_factory=list)


def themes_ensure() -> dict[str, int]:
    """The theme rows (also created by a migration; this keeps them in step with THEMES)."""
    with translation.override(None):  # the stored name is the msgid, whatever the active language
        for position, (code, label) in enumerate(THEMES.items()):
            Theme.objects.update_or_create(code=code, defaults={"name": str(label), "position": position})
    return dict(Theme.objects.values_list("code", "pk"))


def frameworks_load(
    paths: Sequence[str | Path] | None = None, *, overwrite_online: bool = False
) -> LoadReport:
    """Load the given YAML files (default: every file of frameworks/data/) in one transaction.

    A version last published online is kept as it is unless `overwrite_online`: the
    file is then older than the site (download the version's YAML to refresh it)."""
    paths = sorted(paths or DATA_DIR.glob("*.yaml"))
    if not paths:
        raise FrameworksLoadError([_("No framework file to load.")])
    context = database_context()
    parsed = [parse_file(path, context=context) for path in paths]
    seen = set()
    for path, framework in zip(paths, parsed, strict=True):
        key = (framework["slug"], framework["version"])
        if key in seen:
            message = _("the version %(version)s of “%(slug)s” is described twice.")
            raise FrameworksLoadError([message % {"slug": key[0], "version": key[1]}], Path(path).name)
        seen.add(key)

    report = LoadReport()
    with transaction.atomic():
        theme_ids = themes_ensure()
        for path, data in zip(paths, parsed, strict=True):
            existing = Framework.objects.filter(slug=data["slug"], version=data["version"]).first()
            label = f"{data['title']} ({data['version']})"
            if existing and existing.content_hash == data["content_hash"]:
                report.unchanged.append(label)
                continue
            if existing and existing.published_online_at and not overwrite_online:
                report.kept.append(label)
                continue
            try:
                _write(existing, data, theme_ids)
            except FrameworksLoadError as error:
                raise FrameworksLoadError(error.messages, Path(path).name) from None
            (report.updated if existing else report.created).append(label)
        for slug in {data["slug"] for data in parsed}:
            _mark_current(slug)
    return report


def framework_write(data: dict[str, Any], *, user: User | None = None) -> Framework:
    """Write one checked framework version published online (see validation.parse_data)."""
    with transaction.atomic():
        theme_ids = themes_ensure()
        existing = Framework.objects.select_for_update().filter(slug=data["slug"], version=data["version"])
        framework = _write(existing.first(), data, theme_ids)
        Framework.objects.filter(pk=framework.pk).update(
            published_online_at=timezone.now(), published_by=user
        )
        _mark_current(data["slug"])
    framework.refresh_from_db()
    return framework


def _signed(obj: Item | Level) -> bool:
    """Whether rows of other apps hold on to this item or level (their foreign keys PROTECT it)."""
    for relation in obj._meta.related_objects:
        if (
            relation.on_delete is PROTECT
            and relation.related_model._base_manager.filter(**{relation.field.name: obj}).exists()
        ):
            return True
    return False


def _signed_text_changed(code: str, version: str) -> FrameworksLoadError:
    message = _(
        "the text of item %(code)s, already signed, would change in version %(version)s: "
        "publish a new version instead."
    )
    return FrameworksLoadError([message % {"code": code, "version": version}])


FRAMEWORK_FIELDS = (
    "title",
    "short_title",
    "publisher_id",
    "parent_id",
    "year",
    "source_url",
    "description",
    "is_complete",
    "missing_codes",
    "content_hash",
)


def _write(framework: Framework | None, data: dict[str, Any], theme_ids: dict[str, int]) -> Framework:
    """Write `data` as `framework` (None: a new version); FrameworksLoadError when it would
    change or remove what someone signed. Call inside a transaction."""
    fields = {key: data[key] for key in FRAMEWORK_FIELDS}
    if framework is None:
        framework = Framework.objects.create(slug=data["slug"], version=data["version"], **fields)
    else:
        for key, value in fields.items():
            setattr(framework, key, value)
        framework.save()
    sections = _write_sections(framework, data["sections"])
    national = {}
    if data.get("parent_id"):
        national = dict(Item.objects.filter(framework_id=data["parent_id"]).values_list("code", "pk"))
    items = {item.code: item for item in framework.items.all()}
    for position, values in enumerate(data["items"]):
        item = items.get(values["code"]) or Item(framework=framework, code=values["code"])
        if item.pk and (item.title, item.summary) != (values["title"], values["summary"]) and _signed(item):
            raise _signed_text_changed(item.code, data["version"])
        item.section = sections[values["section"]]
        item.title, item.summary, item.position = values["title"], values["summary"], position
        item.confidence, item.sources = values["confidence"], values["sources"]
        item.save()
        item.themes.set([theme_ids[code] for code in values["themes"]])
        item.national_items.set([national[code] for code in values.get("maps_to", [])])
        _write_levels(item, values["levels"], data["version"])
    # Removed items and sections go last (items may have moved to another section).
    try:
        with transaction.atomic():
            Item.objects.filter(framework=framework).exclude(
                code__in=[i["code"] for i in data["items"]]
            ).delete()
    except ProtectedError:
        message = _(
            "items already signed would be removed from version %(version)s: publish a new version instead."
        )
        raise FrameworksLoadError([message % {"version": data["version"]}]) from None
    Section.objects.filter(framework=framework).exclude(code__in=list(sections)).delete()
    return framework


def _write_sections(framework: Framework, wanted: list[dict[str, Any]]) -> dict[str, Section]:
    sections = {section.code: section for section in framework.sections.all()}
    for position, values in enumerate(wanted):
        section = sections.get(values["code"]) or Section(framework=framework, code=values["code"])
        section.kind, section.title, section.summary = values["kind"], values["title"], values["summary"]
        section.position = position
        section.save()
        sections[section.code] = section
    return {code: section for code, section in sections.items() if code in {s["code"] for s in wanted}}


def _write_levels(item: Item, wanted: list[dict[str, str]], version: str) -> None:
    levels = {level.code: level for level in item.levels.all()}
    try:
        with transaction.atomic():
            item.levels.exclude(code__in=[level["code"] for level in wanted]).delete()
    except ProtectedError:
        message = _(
            "items already signed would be removed from version %(version)s: publish a new version instead."
        )
        raise FrameworksLoadError([message % {"version": version}]) from None
    for position, values in enumerate(wanted):
        level = levels.get(values["code"]) or Level(item=item, code=values["code"])
        if level.pk and level.title != values["title"] and _signed(level):
            raise _signed_text_changed(item.code, version)
        level.title, level.position = values["title"], position
        level.save()


def version_key(framework: Framework) -> tuple[int, tuple[int, ...], str]:
    parts = tuple(int(part) if part.isdigit() else 0 for part in framework.version.split("."))
    return (framework.year, parts, framework.version)


def _mark_current(slug: str) -> None:
    versions = list(Framework.objects.filter(slug=slug))
    latest = max(versions, key=version_key)
    Framework.objects.filter(slug=slug).exclude(pk=latest.pk).update(is_current=False)
    Framework.objects.filter(pk=latest.pk).update(is_current=True)
