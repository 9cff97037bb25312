"""Writes for moderation: report content, hide it, restore it, dismiss reports.

Moderatable content has `hidden_at` and `hidden_reason` (core.models.Moderatable),
`is_visible_to(user)`, and an author (`created_by`), who is told of every decision by email.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Organization
from actors.rules import is_coordinator
from core.emails import email_send

from .models import ModerationDecision, Report

if TYPE_CHECKING:
    from accounts.models import User
    from core.models import Moderatable

# Moderated content, whatever its model: a service returns the object it was given.
ContentT = TypeVar("ContentT", bound="Moderatable")

# The models that can be reported, by "app_label.model"; upper apps add theirs with
# `register` from their AppConfig.ready() (moderation cannot import them).
MODERATED = {"actors.organization"}


def register(label: str) -> None:
    """Let a Moderatable model ("app_label.model") of an upper app be reported and hidden."""
    MODERATED.add(label.lower())


class ModerationError(Exception):
    """A refused moderation action; the message is shown as is."""


def moderated_content_type(app_label: str, model: str) -> ContentType | None:
    if f"{app_label}.{model}" not in MODERATED:
        return None
    try:
        return ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist:
        return None


def is_own_content(user: User, content: Moderatable) -> bool:
    """Whether the content is the user's own: they wrote it, or coordinate the group it is
    (they can change it themselves). Nobody reports their own content."""
    if content is None or not user.is_authenticated:
        return False
    if getattr(content, "created_by_id", None) == user.pk:
        return True
    return isinstance(content, Organization) and is_coordinator(user, content)


@transaction.atomic
def report_create(*, content: Moderatable, reporter: User, reason: str, comment: str = "") -> Report:
    if is_own_content(reporter, content):
        raise ModerationError(_("You cannot report your own content."))
    if reason not in Report.Reason.values:
        raise ModerationError(_("Choose a reason."))
    if reason == Report.Reason.OTHER and not comment.strip():
        raise ModerationError(_("Say what is wrong with this content."))
    content_type = ContentType.objects.get_for_model(content)
    if Report.objects.filter(
        content_type=content_type, object_id=content.pk, reporter=reporter, status=Report.Status.OPEN
    ).exists():
        raise ModerationError(_("You have already reported this content; moderators will look at it."))
    return Report.objects.create(
        content_type=content_type,
        object_id=content.pk,
        reporter=reporter,
        reason=reason,
        comment=comment.strip(),
    )


def _notify_author(content: Moderatable, *, hidden: bool, reason: str, site_url: str) -> None:
    author = getattr(content, "created_by", None)
    if author is None:
        return
    email_send(
        template="moderation/emails/decision",
        to=author,
        context={
            "content": content,
            "hidden": hidden,
            "reason": reason,
            "url": site_url + content.get_absolute_url(),
        },
    )


def _close_reports(content: Moderatable, moderator: User, status: str) -> None:
    Report.objects.filter(
        content_type=ContentType.objects.get_for_model(content),
        object_id=content.pk,
        status=Report.Status.OPEN,
    ).update(status=status, closed_at=timezone.now(), closed_by=moderator)


@transaction.atomic
def content_hide(*, content: ContentT, moderator: User, reason: str, site_url: str = "") -> ContentT:
    reason = reason.strip()
    if not reason:
        raise ModerationError(_("Give the reason for hiding this content: its author will read it."))
    if content.is_hidden:
        raise ModerationError(_("This content is already hidden."))
    content.hidden_at = timezone.now()
    content.hidden_reason = reason
    content.save(update_fields=["hidden_at", "hidden_reason"])
    ModerationDecision.objects.create(
        content_type=ContentType.objects.get_for_model(content),
        object_id=content.pk,
        action=ModerationDecision.Action.HIDE,
        reason=reason,
        moderator=moderator,
    )
    _close_reports(content, moderator, Report.Status.RESOLVED)
    transaction.on_commit(lambda: _notify_author(content, hidden=True, reason=reason, site_url=site_url))
    return content


@transaction.atomic
def content_restore(*, content: ContentT, moderator: User, reason: str, site_url: str = "") -> ContentT:
    reason = reason.strip()
    if not reason:
        raise ModerationError(_("Give the reason for restoring this content: its author will read it."))
    if not content.is_hidden:
        raise ModerationError(_("This content is not hidden."))
    content.hidden_at = None
    content.hidden_reason = ""
    content.save(update_fields=["hidden_at", "hidden_reason"])
    ModerationDecision.objects.create(
        content_type=ContentType.objects.get_for_model(content),
        object_id=content.pk,
        action=ModerationDecision.Action.RESTORE,
        reason=reason,
        moderator=moderator,
    )
    transaction.on_commit(lambda: _notify_author(content, hidden=False, reason=reason, site_url=site_url))
    return content


@transaction.atomic
def reports_dismiss(*, content: Moderatable, moderator: User) -> None:
    _close_reports(content, moderator, Report.Status.DISMISSED)
