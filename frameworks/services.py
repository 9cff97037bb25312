"""Loading frameworks from the YAML files of frameworks/data/.

Every file is read and checked first; then everything is written in one transaction.
A file names one version of a framework: loading it again changes nothing when the file
is unchanged, and updates the texts in place otherwise. A new version is new rows: the
commitments signed on an older version keep pointing at the older version's items.
"""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction
from django.db.models import PROTECT, ProtectedError
from django.utils import translation
from django.utils.translation import gettext as _

from .models import THEMES, Framework, Item, Level, Section, Theme

DATA_DIR = Path(__file__).resolve().parent / "data"


class FrameworksLoadError(Exception):
    pass


@dataclass
class LoadReport:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)


def _fail(path, message, **values):
    raise FrameworksLoadError(
        _("%(file)s: %(message)s") % {"file": Path(path).name, "message": message % values}
    )


def _text(path, data, key, where, *, required=True, max_length=None):
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            _fail(path, _("%(where)s: the field “%(key)s” is missing."), where=where, key=key)
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        _fail(path, _("%(where)s: the field “%(key)s” must be text."), where=where, key=key)
    value = " ".join(str(value).split()) if key != "description" else str(value).strip()
    if max_length and len(value) > max_length:
        _fail(
            path,
            _("%(where)s: the field “%(key)s” is longer than %(max)s characters."),
            where=where,
            key=key,
            max=max_length,
        )
    return value


def _levels(path, data, where):
    levels = data.get("levels") or []
    if not isinstance(levels, list):
        _fail(path, _("%(where)s: “levels” must be a list."), where=where)
    parsed, seen = [], set()
    for index, level in enumerate(levels, 1):
        if not isinstance(level, dict):
            _fail(path, _("%(where)s: level %(n)s is not a mapping."), where=where, n=index)
        code = _text(
            path,
            level,
            "code",
            _("%(where)s, level %(level)s") % {"where": where, "level": index},
            max_length=20,
        )
        if code in seen:
            _fail(path, _("%(where)s: the level code “%(code)s” appears twice."), where=where, code=code)
        seen.add(code)
        parsed.append(
            {
                "code": code,
                "title": _text(
                    path,
                    level,
                    "title",
                    _("%(where)s, level %(level)s") % {"where": where, "level": code},
                    max_length=300,
                ),
            }
        )
    return parsed


def parse_file(path, *, publishers, themes):
    """The framework described by one YAML file, checked; FrameworksLoadError otherwise."""
    try:
        raw = Path(path).read_bytes()
        data = yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError:
        _fail(path, _("the file is not UTF-8 text."))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else "?"
        _fail(path, _("invalid YAML near line %(line)s."), line=line)
    except OSError as error:
        _fail(path, _("cannot read the file (%(error)s)."), error=error.strerror)
    if not isinstance(data, dict):
        _fail(path, _("the file must describe one framework (a mapping)."))
    head = _("framework")
    framework = {
        "slug": _text(path, data, "slug", head, max_length=80),
        "version": _text(path, data, "version", head, max_length=20),
        "title": _text(path, data, "title", head, max_length=200),
        "source_url": _text(path, data, "source_url", head, max_length=500),
        "description": _text(path, data, "description", head),
    }
    framework["short_title"] = (
        _text(path, data, "short_title", head, required=False, max_length=40) or framework["title"][:40]
    )
    if not framework["source_url"].startswith(("https://", "http://")):
        _fail(path, _("“source_url” must be a web address."))
    year = data.get("year")
    if not isinstance(year, int) or not 1900 <= year <= 2100:
        _fail(path, _("“year” must be a year, such as 2026."))
    framework["year"] = year
    publisher = _text(path, data, "publisher", head)
    if publisher not in publishers:
        _fail(path, _("the publisher “%(slug)s” is not a national partner."), slug=publisher)
    framework["publisher_id"] = publishers[publisher]
    default_levels = _levels(path, data, head)
    complete = data.get("complete", True)
    if not isinstance(complete, bool):
        _fail(path, _("“complete” must be true or false."))
    missing = data.get("missing") or []
    if not isinstance(missing, list) or not all(
        isinstance(code, str | int) and not isinstance(code, bool) for code in missing
    ):
        _fail(path, _("“missing” must be a list of item codes."))
    framework["is_complete"] = complete
    framework["missing_codes"] = ",".join(str(code) for code in missing)[:500]

    sections, section_codes = [], set()
    for index, section in enumerate(data.get("sections") or [], 1):
        if not isinstance(section, dict):
            _fail(path, _("section %(n)s is not a mapping."), n=index)
        code = _text(path, section, "code", _("section %(code)s") % {"code": index}, max_length=20)
        if code in section_codes:
            _fail(path, _("the section code “%(code)s” appears twice."), code=code)
        section_codes.add(code)
        kind = section.get("kind")
        if kind not in Section.Kind.values:
            _fail(path, _("section %(code)s: “kind” must be principle or chapter."), code=code)
        sections.append(
            {
                "code": code,
                "kind": kind,
                "title": _text(
                    path, section, "title", _("section %(code)s") % {"code": code}, max_length=300
                ),
                "summary": _text(
                    path, section, "summary", _("section %(code)s") % {"code": code}, required=False
                ),
            }
        )
    if not sections:
        _fail(path, _("the framework has no sections."))

    items, item_codes = [], set()
    for index, item in enumerate(data.get("items") or [], 1):
        if not isinstance(item, dict):
            _fail(path, _("item %(n)s is not a mapping."), n=index)
        code = _text(path, item, "code", _("item %(code)s") % {"code": index}, max_length=20)
        where = _("item %(code)s") % {"code": code}
        if code in item_codes:
            _fail(path, _("the item code “%(code)s” appears twice."), code=code)
        item_codes.add(code)
        section = _text(path, item, "section", where)
        if section not in section_codes:
            _fail(path, _("%(where)s: unknown section “%(section)s”."), where=where, section=section)
        item_themes = item.get("themes") or []
        if not isinstance(item_themes, list):
            _fail(path, _("%(where)s: “themes” must be a list."), where=where)
        unknown = [str(theme) for theme in item_themes if not isinstance(theme, str) or theme not in themes]
        if unknown:
            _fail(path, _("%(where)s: unknown themes: %(themes)s."), where=where, themes=", ".join(unknown))
        items.append(
            {
                "code": code,
                "section": section,
                "title": _text(path, item, "title", where, max_length=300),
                "summary": _text(path, item, "summary", where),
                "themes": sorted(set(item_themes)),
                "levels": _levels(path, item, where) or default_levels,
            }
        )
    if not items:
        _fail(path, _("the framework has no items."))
    framework["sections"] = sections
    framework["items"] = items
    framework["content_hash"] = hashlib.sha256(
        json.dumps(framework, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    return framework


def themes_ensure():
    """The theme rows (also created by a migration; this keeps them in step with THEMES)."""
    with translation.override(None):  # the stored name is the msgid, whatever the active language
        for position, (code, label) in enumerate(THEMES.items()):
            Theme.objects.update_or_create(code=code, defaults={"name": str(label), "position": position})
    return dict(Theme.objects.values_list("code", "pk"))


def frameworks_load(paths=None):
    """Load the given YAML files (default: every file of frameworks/data/) in one transaction."""
    from actors.models import Organization

    paths = sorted(paths or DATA_DIR.glob("*.yaml"))
    if not paths:
        raise FrameworksLoadError(_("No framework file to load."))
    publishers = dict(Organization.objects.partners().values_list("slug", "pk"))
    parsed = [parse_file(path, publishers=publishers, themes=THEMES) for path in paths]
    seen = set()
    for path, framework in zip(paths, parsed, strict=True):
        key = (framework["slug"], framework["version"])
        if key in seen:
            _fail(
                path,
                _("the version %(version)s of “%(slug)s” is described twice."),
                **dict(zip(("slug", "version"), key, strict=True)),
            )
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
            try:
                _write(existing, data, theme_ids)
            except SignedTextChanged as changed:
                _fail(
                    path,
                    _(
                        "the text of item %(code)s, already signed, would change in version %(version)s: "
                        "publish a new version instead."
                    ),
                    code=str(changed),
                    version=data["version"],
                )
            except ProtectedError:
                _fail(
                    path,
                    _(
                        "items already signed would be removed from version %(version)s: publish a new "
                        "version instead."
                    ),
                    version=data["version"],
                )
            (report.updated if existing else report.created).append(label)
        for slug in {data["slug"] for data in parsed}:
            _mark_current(slug)
    return report


class SignedTextChanged(Exception):
    """The text of an item (or level) that someone signed would change."""


def _signed(obj):
    """Whether rows of other apps hold on to this item or level (their foreign keys PROTECT it)."""
    for relation in obj._meta.related_objects:
        if (
            relation.on_delete is PROTECT
            and relation.related_model._base_manager.filter(**{relation.field.name: obj}).exists()
        ):
            return True
    return False


def _write(framework, data, theme_ids):
    fields = {
        key: data[key]
        for key in (
            "title",
            "short_title",
            "publisher_id",
            "year",
            "source_url",
            "description",
            "is_complete",
            "missing_codes",
            "content_hash",
        )
    }
    if framework is None:
        framework = Framework.objects.create(slug=data["slug"], version=data["version"], **fields)
    else:
        for key, value in fields.items():
            setattr(framework, key, value)
        framework.save()

    sections = {section.code: section for section in framework.sections.all()}
    for position, values in enumerate(data["sections"]):
        section = sections.get(values["code"]) or Section(framework=framework, code=values["code"])
        section.kind, section.title, section.summary = values["kind"], values["title"], values["summary"]
        section.position = position
        section.save()
        sections[section.code] = section

    items = {item.code: item for item in framework.items.all()}
    for position, values in enumerate(data["items"]):
        item = items.get(values["code"]) or Item(framework=framework, code=values["code"])
        if item.pk and (item.title, item.summary) != (values["title"], values["summary"]) and _signed(item):
            raise SignedTextChanged(item.code)
        item.section = sections[values["section"]]
        item.title, item.summary, item.position = values["title"], values["summary"], position
        item.save()
        item.themes.set([theme_ids[code] for code in values["themes"]])
        levels = {level.code: level for level in item.levels.all()}
        wanted_levels = [level["code"] for level in values["levels"]]
        item.levels.exclude(code__in=wanted_levels).delete()
        for level_position, level_values in enumerate(values["levels"]):
            level = levels.get(level_values["code"]) or Level(item=item, code=level_values["code"])
            if level.pk and level.title != level_values["title"] and _signed(level):
                raise SignedTextChanged(item.code)
            level.title, level.position = level_values["title"], level_position
            level.save()
    # Removed items and sections go last (items may have moved to another section).
    Item.objects.filter(framework=framework).exclude(code__in=[i["code"] for i in data["items"]]).delete()
    Section.objects.filter(framework=framework).exclude(
        code__in=[s["code"] for s in data["sections"]]
    ).delete()
    return framework


def _version_key(framework):
    parts = tuple(int(part) if part.isdigit() else 0 for part in framework.version.split("."))
    return (framework.year, parts, framework.version)


def _mark_current(slug):
    versions = list(Framework.objects.filter(slug=slug))
    latest = max(versions, key=_version_key)
    Framework.objects.filter(slug=slug).exclude(pk=latest.pk).update(is_current=False)
    Framework.objects.filter(pk=latest.pk).update(is_current=True)
