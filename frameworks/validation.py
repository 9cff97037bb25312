"""Checking a framework described in the format of frameworks/data/*.yaml.

One code path for the files that `load_frameworks` reads and for the drafts edited in the
browser: `parse_data` takes the mapping (read from YAML, or a draft's JSON) and returns the
checked framework, or raises FrameworksLoadError with every problem found, in the active
language. Each message names where the problem is; `source` (a file name) prefixes it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import THEMES, Item, Section

# The longest texts the columns take (frameworks.models): a longer text given is refused.
SLUG_MAX = 80
VERSION_MAX = 20
CODE_MAX = 20
FRAMEWORK_TITLE_MAX = 200
SHORT_TITLE_MAX = 40
TITLE_MAX = 300  # a section's, an item's or a level's
URL_MAX = 500
MISSING_CODES_MAX = 500  # the codes listed in "missing", joined by commas (cut, not refused)
YEAR_MIN, YEAR_MAX = 1900, 2100
CONFIDENCES = (Item.Confidence.SINGLE_SOURCE, Item.Confidence.INFERRED, Item.Confidence.CONFIRMED)


class FrameworksLoadError(Exception):
    """Every problem found; `messages` without the source, str() with it, one per line."""

    def __init__(self, messages, source=""):
        self.messages = list(messages)
        self.source = source
        prefix = _("%(file)s: %(message)s")
        lines = [prefix % {"file": source, "message": m} if source else m for m in self.messages]
        super().__init__("\n".join(lines))


@dataclass
class Context:
    """What a check needs to know of the database.

    `publishers`: slug → (pk, kind) of the national partners and validated local groups;
    `base_items`: (slug, version) → {code: pk} of a national framework version, or None."""

    publishers: dict
    base_items: Callable[[str, str], dict | None]
    themes: dict = field(default_factory=lambda: THEMES)


class _Problems(Exception):
    pass


class _Checker:
    def __init__(self, context):
        self.context = context
        self.problems = []

    def fail(self, message, **values):
        self.problems.append(message % values if values else message)
        raise _Problems

    def each(self, entries, check):
        """Check every entry, keeping the ones that pass and the problems of the others."""
        checked = []
        for index, entry in enumerate(entries, 1):
            try:
                checked.append(check(index, entry))
            except _Problems:
                continue
        return checked

    def text(self, data, key, where, *, required=True, max_length=None, multiline=False):
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(_("%(where)s: the field “%(key)s” is missing."), where=where, key=key)
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.fail(_("%(where)s: the field “%(key)s” must be text."), where=where, key=key)
        value = str(value).strip() if multiline else " ".join(str(value).split())
        if max_length and len(value) > max_length:
            self.fail(
                _("%(where)s: the field “%(key)s” is longer than %(max)s characters."),
                where=where,
                key=key,
                max=max_length,
            )
        return value

    def codes(self, data, key, where):
        values = data.get(key) or []
        if not isinstance(values, list) or not all(
            isinstance(code, str | int) and not isinstance(code, bool) for code in values
        ):
            self.fail(_("%(where)s: “%(key)s” must be a list of item codes."), where=where, key=key)
        return [str(code).strip() for code in values]

    def levels(self, data, where):
        levels = data.get("levels") or []
        if not isinstance(levels, list):
            self.fail(_("%(where)s: “levels” must be a list."), where=where)
        seen = set()

        def check(index, level):
            if not isinstance(level, dict):
                self.fail(_("%(where)s: level %(n)s is not a mapping."), where=where, n=index)
            label = _("%(where)s, level %(level)s") % {"where": where, "level": index}
            code = self.text(level, "code", label, max_length=CODE_MAX)
            if code in seen:
                self.fail(_("%(where)s: the level code “%(code)s” appears twice."), where=where, code=code)
            seen.add(code)
            label = _("%(where)s, level %(level)s") % {"where": where, "level": code}
            return {"code": code, "title": self.text(level, "title", label, max_length=TITLE_MAX)}

        count = len(self.problems)
        parsed = self.each(levels, check)
        if len(self.problems) > count:
            raise _Problems
        return parsed

    def sources(self, data, where):
        sources = data.get("sources") or []
        if not isinstance(sources, list) or not all(
            isinstance(url, str) and url.startswith(("https://", "http://")) and len(url) <= URL_MAX
            for url in sources
        ):
            self.fail(_("%(where)s: “sources” must be a list of web addresses."), where=where)
        return [url.strip() for url in sources]


def _head(checker, data):
    head = _("framework")
    framework = {}
    limits = {"slug": SLUG_MAX, "version": VERSION_MAX, "title": FRAMEWORK_TITLE_MAX, "source_url": URL_MAX}
    for key, max_length in limits.items():
        try:
            framework[key] = checker.text(data, key, head, max_length=max_length)
        except _Problems:
            framework[key] = ""
    try:
        framework["description"] = checker.text(data, "description", head, multiline=True)
        framework["short_title"] = (
            checker.text(data, "short_title", head, required=False, max_length=SHORT_TITLE_MAX)
            or framework["title"][:SHORT_TITLE_MAX]
        )
    except _Problems:
        pass
    if framework["source_url"] and not framework["source_url"].startswith(("https://", "http://")):
        checker.problems.append(_("“source_url” must be a web address."))
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not YEAR_MIN <= year <= YEAR_MAX:
        checker.problems.append(_("“year” must be a year, such as 2026."))
    framework["year"] = year
    complete = data.get("complete", True)
    if not isinstance(complete, bool):
        checker.problems.append(_("“complete” must be true or false."))
    framework["is_complete"] = complete
    try:
        missing = checker.codes(data, "missing", head)
    except _Problems:
        missing = []
    framework["missing"] = missing
    framework["missing_codes"] = ",".join(missing)[:MISSING_CODES_MAX]
    return framework


def _publisher(checker, data, framework):
    """The publisher: a national partner; for a local version, a validated local group."""
    head = _("framework")
    framework["parent_id"] = None
    try:
        publisher = checker.text(data, "publisher", head)
    except _Problems:
        return {}
    found = checker.context.publishers.get(publisher)
    based_on = data.get("based_on")
    if based_on is None:
        if found is None or found[1] != "partner":
            checker.problems.append(
                _("the publisher “%(slug)s” is not a national partner.") % {"slug": publisher}
            )
            return {}
        framework["publisher_id"] = found[0]
        return {}
    if found is None or found[1] != "local_group":
        checker.problems.append(
            _("the publisher “%(slug)s” of a local version is not a validated local group.")
            % {"slug": publisher}
        )
    else:
        framework["publisher_id"] = found[0]
    if not isinstance(based_on, dict):
        checker.problems.append(_("“based_on” must name the slug and version of a national framework."))
        return {}
    slug, version = str(based_on.get("slug") or ""), str(based_on.get("version") or "")
    base = checker.context.base_items(slug, version)
    if base is None:
        checker.problems.append(
            _("“based_on”: there is no national framework “%(slug)s” in version %(version)s.")
            % {"slug": slug, "version": version}
        )
        return {}
    framework["parent_id"] = base["pk"]
    framework["based_on"] = {"slug": slug, "version": version}
    return base["items"]


def _sections(checker, data):
    seen = set()

    def check(index, section):
        if not isinstance(section, dict):
            checker.fail(_("section %(n)s is not a mapping."), n=index)
        code = checker.text(section, "code", _("section %(code)s") % {"code": index}, max_length=CODE_MAX)
        where = _("section %(code)s") % {"code": code}
        if code in seen:
            checker.fail(_("the section code “%(code)s” appears twice."), code=code)
        seen.add(code)
        if section.get("kind") not in Section.Kind.values:
            checker.fail(_("section %(code)s: “kind” must be principle or chapter."), code=code)
        return {
            "code": code,
            "kind": section["kind"],
            "title": checker.text(section, "title", where, max_length=TITLE_MAX),
            "summary": checker.text(section, "summary", where, required=False),
        }

    sections = data.get("sections") or []
    if not isinstance(sections, list):
        checker.problems.append(_("“sections” must be a list."))
        return []
    parsed = checker.each(sections, check)
    if not sections:
        checker.problems.append(_("the framework has no sections."))
    return parsed


def _maps_to(checker, item, where, base_items):
    """The national codes a local item stands for, each an item of the national version."""
    maps_to = checker.codes(item, "maps_to", where)
    unknown = [code for code in maps_to if code not in base_items]
    if unknown:
        checker.fail(
            ngettext(
                "%(where)s: the national framework has no item %(codes)s.",
                "%(where)s: the national framework has no items %(codes)s.",
                len(unknown),
            ),
            where=where,
            codes=", ".join(unknown),
        )
    return sorted(set(maps_to))


def _items(checker, data, section_codes, default_levels, base_items):
    seen = set()
    themes = checker.context.themes

    def check(index, item):
        if not isinstance(item, dict):
            checker.fail(_("item %(n)s is not a mapping."), n=index)
        code = checker.text(item, "code", _("item %(code)s") % {"code": index}, max_length=CODE_MAX)
        where = _("item %(code)s") % {"code": code}
        if code in seen:
            checker.fail(_("the item code “%(code)s” appears twice."), code=code)
        seen.add(code)
        section = checker.text(item, "section", where)
        if section not in section_codes:
            checker.fail(_("%(where)s: unknown section “%(section)s”."), where=where, section=section)
        item_themes = item.get("themes") or []
        if not isinstance(item_themes, list):
            checker.fail(_("%(where)s: “themes” must be a list."), where=where)
        unknown = [str(theme) for theme in item_themes if not isinstance(theme, str) or theme not in themes]
        if unknown:
            checker.fail(_("%(where)s: unknown themes: %(themes)s."), where=where, themes=", ".join(unknown))
        confidence = item.get("confidence") or Item.Confidence.CONFIRMED
        if confidence not in CONFIDENCES:
            checker.fail(
                _("%(where)s: “confidence” must be single_source, inferred or confirmed."), where=where
            )
        parsed = {
            "code": code,
            "section": section,
            "title": checker.text(item, "title", where, max_length=TITLE_MAX),
            "summary": checker.text(item, "summary", where),
            "themes": sorted(set(item_themes)),
            "levels": checker.levels(item, where) or default_levels,
            "confidence": str(confidence),
            "sources": checker.sources(item, where),
        }
        if base_items is not None:
            parsed["maps_to"] = _maps_to(checker, item, where, base_items)
        elif item.get("maps_to"):
            checker.fail(_("%(where)s: “maps_to” is only for the items of a local version."), where=where)
        return parsed

    items = data.get("items") or []
    if not isinstance(items, list):
        checker.problems.append(_("“items” must be a list."))
        return []
    parsed = checker.each(items, check)
    if not items:
        checker.problems.append(_("the framework has no items."))
    return parsed


def parse_data(data, *, context, source=""):
    """The checked framework described by `data`; FrameworksLoadError with every problem."""
    if not isinstance(data, dict):
        raise FrameworksLoadError([_("the file must describe one framework (a mapping).")], source)
    checker = _Checker(context)
    framework = _head(checker, data)
    base_items = _publisher(checker, data, framework)
    if data.get("based_on") is None:
        base_items = None
    try:
        default_levels = checker.levels(data, _("framework"))
    except _Problems:
        default_levels = []
    sections = _sections(checker, data)
    items = _items(checker, data, {section["code"] for section in sections}, default_levels, base_items)
    filled = sorted(set(framework["missing"]) & {item["code"] for item in items})
    if filled:
        message = ngettext(
            "the item %(codes)s is on the platform: remove it from “missing”.",
            "the items %(codes)s are on the platform: remove them from “missing”.",
            len(filled),
        )
        checker.problems.append(message % {"codes": ", ".join(filled)})
    if checker.problems:
        raise FrameworksLoadError(checker.problems, source)
    framework["sections"] = sections
    framework["items"] = items
    framework["content_hash"] = hashlib.sha256(
        json.dumps(framework, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()
    return framework


def read_file(path):
    """The mapping a YAML file describes; FrameworksLoadError if it cannot be read."""
    source = Path(path).name
    try:
        return yaml.safe_load(Path(path).read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise FrameworksLoadError([_("the file is not UTF-8 text.")], source) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else "?"
        raise FrameworksLoadError([_("invalid YAML near line %(line)s.") % {"line": line}], source) from None
    except OSError as error:
        raise FrameworksLoadError(
            [_("cannot read the file (%(error)s).") % {"error": error.strerror}], source
        ) from None


def parse_file(path, *, context):
    """The framework described by one YAML file, checked; FrameworksLoadError otherwise."""
    return parse_data(read_file(path), context=context, source=Path(path).name)


def database_context():
    """The Context read from the database: partners, validated local groups, national versions."""
    from actors.models import Organization

    from .models import Framework

    publishers = {
        slug: (pk, kind)
        for slug, pk, kind in Organization.objects.filter(
            Q(kind=Organization.Kind.PARTNER)
            | Q(kind=Organization.Kind.LOCAL_GROUP, status=Organization.Status.VALIDATED)
        ).values_list("slug", "pk", "kind")
    }

    def base_items(slug, version):
        framework = Framework.objects.filter(slug=slug, version=version, parent__isnull=True).first()
        if framework is None:
            return None
        return {"pk": framework.pk, "items": dict(framework.items.values_list("code", "pk"))}

    return Context(publishers=publishers, base_items=base_items)
