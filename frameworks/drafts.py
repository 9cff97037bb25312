"""Drafts of framework versions edited in the browser by their publishers.

A draft's content is a mapping in the format of frameworks/data/*.yaml. The edits below
are pure functions on that mapping (they raise DraftError with a French message); the
services apply one under a row lock, refuse it when the draft changed since the editor
read it (DraftConflict), and record who did what in the draft's history. Publishing
checks the draft with `validation.parse_data`, exactly as `load_frameworks` checks a file.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.concurrency import ConcurrentEdit

from .export import framework_data
from .models import Framework, FrameworkDraft
from .services import framework_write
from .validation import (
    FRAMEWORK_TITLE_MAX,
    SHORT_TITLE_MAX,
    SLUG_MAX,
    FrameworksLoadError,
    database_context,
    parse_data,
)

if TYPE_CHECKING:
    from accounts.models import User
    from actors.models import Organization

CHANGE_MAX = 300  # FrameworkDraft.change: what an edit did, cut to the column's length


class DraftError(Exception):
    """An edit that cannot be made; the message is shown as is."""


class DraftConflict(ConcurrentEdit):
    """The draft changed since the editor read it (core.concurrency's rule, with the draft's
    own revision counter and the editor's page showing the current draft)."""

    def __init__(self, draft: FrameworkDraft) -> None:
        self.draft = draft
        super().__init__(
            draft,
            _(
                "This draft was changed by %(name)s on %(date)s (“%(change)s”) since you opened it. "
                "Its current state is shown below; check it, then save again."
            )
            % {
                "name": draft.updated_by.public_name if draft.updated_by else _("someone"),
                "date": formats.date_format(timezone.localtime(draft.updated_at), "DATETIME_FORMAT"),
                "change": draft.change,
            },
        )


# Pure edits of a draft's content ---------------------------------------------------------


def _find(entries: list[dict[str, Any]], code: str, message: str) -> int:
    for index, entry in enumerate(entries):
        if str(entry.get("code")) == code:
            return index
    raise DraftError(message)


def head_set(data: dict, values: dict) -> None:
    """The general information; a framework with missing codes is partial."""
    data.update(values)
    if data.get("missing"):
        data["complete"] = False


def section_set(data: dict, code: str | None, values: dict) -> None:
    """Add a section (code None) or change one; items follow a renamed section."""
    sections = data.setdefault("sections", [])
    others = [s for s in sections if str(s.get("code")) != code]
    if any(str(s.get("code")) == values["code"] for s in others):
        raise DraftError(_("The section code “%(code)s” is already used.") % {"code": values["code"]})
    if code is None:
        sections.append(values)
        return
    index = _find(sections, code, _("This section is no longer in the draft."))
    sections[index].update(values)
    for item in data.get("items") or []:
        if str(item.get("section")) == code:
            item["section"] = values["code"]


def section_remove(data: dict, code: str) -> None:
    index = _find(data.get("sections") or [], code, _("This section is no longer in the draft."))
    if any(str(item.get("section")) == code for item in data.get("items") or []):
        raise DraftError(_("Move or remove the items of this section first."))
    del data["sections"][index]


def _code_key(code: str | int | None) -> tuple[int, int, str]:
    """Codes in reading order: "2" before "10", "A" before "B"."""
    code = str(code)
    return (0, int(code), code) if code.isdigit() else (1, 0, code)


def suggested_section(data: dict, code: str) -> str | None:
    """The section of the item just before `code` (a missing item goes beside its neighbours)."""
    items = [item for item in data.get("items") or [] if str(item.get("code")) != code]
    before = [item for item in items if _code_key(item.get("code")) < _code_key(code)]
    neighbour = max(before, key=lambda item: _code_key(item.get("code")), default=None)
    neighbour = neighbour or (items[-1] if items else None)
    return str(neighbour.get("section")) if neighbour else None


def _insert_at(items: list, values: dict) -> int:
    """Where a new item goes: in reading order among the items of its section (after the
    last one whose code comes before it, else before the first one), else at the end."""
    section = values.get("section")
    key = _code_key(values["code"])
    in_section = [index for index, item in enumerate(items) if item.get("section") == section]
    if not in_section:
        return len(items)
    before = [index for index in in_section if _code_key(items[index].get("code")) < key]
    return before[-1] + 1 if before else in_section[0]


def item_set(data: dict, code: str | None, values: dict) -> None:
    """Add an item (code None) or change one. Adding a code listed as missing fills it in."""
    items = data.setdefault("items", [])
    others = [item for item in items if str(item.get("code")) != code]
    if any(str(item.get("code")) == values["code"] for item in others):
        raise DraftError(_("The item code “%(code)s” is already used.") % {"code": values["code"]})
    values = {
        key: value
        for key, value in values.items()
        if value not in (None, [], "") or key in ("themes", "maps_to")
    }
    if code is None:
        items.insert(_insert_at(items, values), values)
    else:
        index = _find(items, code, _("This item is no longer in the draft."))
        items[index] = values
    missing = [str(c) for c in data.get("missing") or [] if str(c) != values["code"]]
    if data.get("missing") and not missing:  # the last missing item is filled in
        data["complete"] = True
    data["missing"] = missing


def item_remove(data: dict, code: str) -> None:
    index = _find(data.get("items") or [], code, _("This item is no longer in the draft."))
    del data["items"][index]


def move(data: dict, key: str, code: str, offset: int) -> None:
    """Move a section or an item (`key`) one place up (-1) or down (+1)."""
    entries = data.get(key) or []
    index = _find(entries, code, _("This entry is no longer in the draft."))
    other = index + offset
    if 0 <= other < len(entries):
        entries[index], entries[other] = entries[other], entries[index]


# Services ---------------------------------------------------------------------------------


def next_version(framework: Framework) -> tuple[str, int]:
    """A version label and year proposed for the next version (the publisher may change them)."""
    year = timezone.now().year
    taken = set(Framework.objects.filter(slug=framework.slug).values_list("version", flat=True))
    for candidate in (str(year), f"{framework.version}.1", f"{year}.1", f"{year}.2"):
        if candidate not in taken:
            return candidate, year
    return f"{framework.version}.{len(taken) + 1}", year


def draft_open(*, framework: Framework, user: User) -> FrameworkDraft:
    """The open draft of the framework's next version (created from `framework` if none)."""
    draft = FrameworkDraft.objects.filter(slug=framework.slug, published_at__isnull=True).first()
    if draft is not None:
        return draft
    data = framework_data(framework)
    data["version"], data["year"] = next_version(framework)
    return _create(
        framework=framework,
        publisher=framework.publisher,
        slug=framework.slug,
        data=data,
        user=user,
        change=_("Draft opened"),
    )


def _create(
    *,
    framework: Framework,
    publisher: Organization,
    slug: str,
    data: dict[str, Any],
    user: User,
    change: str,
) -> FrameworkDraft:
    draft = FrameworkDraft(
        slug=slug,
        base=framework,
        publisher=publisher,
        data=data,
        created_by=user,
        updated_by=user,
        change=change,
    )
    draft._history_user = user
    try:
        with transaction.atomic():
            draft.save()
    except IntegrityError:  # opened at the same time by someone else
        return FrameworkDraft.objects.get(slug=slug, published_at__isnull=True)
    return draft


def local_slug(national: Framework, group: Organization) -> str:
    base = slugify(f"{national.slug}-{group.slug}")[:SLUG_MAX].strip("-")
    taken = set(Framework.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= set(FrameworkDraft.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        suffix = f"-{number}"
        slug, number = base[: SLUG_MAX - len(suffix)] + suffix, number + 1
    return slug


def draft_open_local(*, national: Framework, group: Organization, user: User) -> FrameworkDraft:
    """A draft of a new local version of `national` for `group`: every national item at
    first, each standing for itself; the group removes, rewords and adds."""
    if national.parent_id is not None:
        raise DraftError(_("A local version adapts a national framework, not another local version."))
    data = framework_data(national)
    data.update(
        slug=local_slug(national, group),
        title=f"{national.title} — {group.name}"[:FRAMEWORK_TITLE_MAX],
        short_title=f"{national.short_title} ({group.name})"[:SHORT_TITLE_MAX],
        publisher=group.slug,
        version="1",
        year=timezone.now().year,
        complete=True,
        missing=[],
        based_on={"slug": national.slug, "version": national.version},
    )
    for item in data["items"]:
        item["maps_to"] = [item["code"]]
    return _create(
        framework=national,
        publisher=group,
        slug=data["slug"],
        data=data,
        user=user,
        change=_("Local version opened"),
    )


def _locked(draft: FrameworkDraft, revision: int) -> FrameworkDraft:
    """The draft, locked until the transaction ends, if still open and at `revision`.
    (Only the draft's row: PostgreSQL refuses FOR UPDATE across the nullable editor join.)"""
    current = (
        FrameworkDraft.objects.select_for_update(of=("self",)).select_related("updated_by").get(pk=draft.pk)
    )
    if current.published_at is not None:
        raise DraftError(_("This draft has been published already."))
    if current.revision != revision:
        raise DraftConflict(current)
    return current


def draft_change(
    *, draft: FrameworkDraft, revision: int, user: User, change: str, edit: Callable[[dict], None]
) -> FrameworkDraft:
    """Apply `edit` to the draft's content, unless it changed since `revision`."""
    with transaction.atomic():
        current = _locked(draft, revision)
        data = copy.deepcopy(current.data)
        edit(data)
        current.data = data
        current.revision += 1
        current.change = change[:CHANGE_MAX]
        current.updated_by, current.updated_at = user, timezone.now()
        current._history_user = user
        current.save()
    return current


def draft_problems(draft: FrameworkDraft) -> list[str]:
    """What `load_frameworks` would refuse in this draft (the same checks and messages)."""
    try:
        parse_data(draft.data, context=database_context())
    except FrameworksLoadError as error:
        return error.messages
    return []


def draft_publish(*, draft: FrameworkDraft, revision: int, user: User) -> Framework:
    """Publish the draft: a new version becomes current, or the same version is corrected
    in place within the loader's rules. FrameworksLoadError lists what is refused."""
    with transaction.atomic():
        current = _locked(draft, revision)
        checked = parse_data(current.data, context=database_context())
        existing = Framework.objects.filter(slug=checked["slug"], version=checked["version"]).first()
        if existing is not None and not existing.is_current:
            raise DraftError(
                _("Version %(version)s is a former version: give the draft a new version.")
                % {"version": checked["version"]}
            )
        framework = framework_write(checked, user=user)
        current.published_at, current.published_framework = timezone.now(), framework
        current.change = (_("Published as version %(version)s") % {"version": framework.version})[:CHANGE_MAX]
        current.updated_by, current.updated_at = user, timezone.now()
        current._history_user = user
        current.save()
    return framework


def draft_discard(*, draft: FrameworkDraft, user: User) -> None:
    with transaction.atomic():
        current = FrameworkDraft.objects.select_for_update().get(pk=draft.pk)
        if current.published_at is not None:
            raise DraftError(_("This draft has been published already."))
        current.change = _("Draft discarded")
        current.updated_by, current.updated_at = user, timezone.now()
        current._history_user = user
        current.save(update_fields=["change", "updated_by", "updated_at"])
        current.delete()
