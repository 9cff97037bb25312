"""Writes of following: follow and unfollow a commune, an item or a local group; the
person's preference (at once or weekly); the unsubscribe links (made, revoked, used);
and `notify`, which the upper apps call once they have published something.

Each function returns its result or raises NotificationsError with a message for people.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from actors.models import Organization
from core.tokens import TOKEN_MAX_LENGTH, token_hash
from frameworks.models import Item
from territories.models import Commune

from . import events
from .models import Notification, Preference, Subscription

if TYPE_CHECKING:
    from accounts.models import User

Target = Commune | Item | Organization
HMAC_SALT = "notifications.unsubscribe"


class NotificationsError(Exception):
    """A refused change; the message is shown as is."""


# Following ------------------------------------------------------------------------------


def target_field(target: Target) -> str:
    """The Subscription field that names this target."""
    if isinstance(target, Commune):
        return "commune"
    if isinstance(target, Item):
        return "item"
    if isinstance(target, Organization):
        return "organization"
    raise TypeError(f"Nothing to follow in {target!r}")


def is_followable(target: Target) -> bool:
    """Active communes, items, and the validated, visible local groups."""
    if isinstance(target, Commune):
        return target.is_active
    if isinstance(target, Organization):
        return (
            target.kind == Organization.Kind.LOCAL_GROUP
            and target.status == Organization.Status.VALIDATED
            and target.hidden_at is None
        )
    return isinstance(target, Item)


def follow(*, user: User, target: Target) -> tuple[Subscription, bool]:
    """Follow a commune, an item or a local group; (the subscription, whether it is new).
    Following twice (a double submit) finds the first subscription."""
    if not is_followable(target):
        raise NotificationsError(_("This cannot be followed."))
    field = target_field(target)
    try:
        with transaction.atomic():
            return Subscription.objects.get_or_create(user=user, **{field: target})
    except IntegrityError:  # the same request, sent twice at once
        return Subscription.objects.get(user=user, **{field: target}), False


def unfollow(*, user: User, target: Target) -> bool:
    """Stop following; whether there was something to stop."""
    deleted, _rows = Subscription.objects.filter(user=user, **{target_field(target): target}).delete()
    return bool(deleted)


def unfollow_by_id(*, user: User, subscription_id: int) -> bool:
    deleted, _rows = Subscription.objects.filter(user=user, pk=subscription_id).delete()
    return bool(deleted)


# Preference and unsubscribe links -------------------------------------------------------------


def _link_token(user_id: int, salt: str) -> str:
    """The token of a person's unsubscribe links: derived from their salt with the site's
    secret key (a copy of the database alone makes no link), 256 bits."""
    digest = salted_hmac(HMAC_SALT, f"{user_id}:{salt}", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _salted(user_id: int) -> dict:
    salt = secrets.token_urlsafe(32)
    return {"unsubscribe_salt": salt, "unsubscribe_hash": token_hash(_link_token(user_id, salt))}


def preference_get(user: User) -> Preference:
    """The person's preference, made (weekly, with a salt for their links) the first time."""
    preference = Preference.objects.filter(user=user).first()
    if preference is not None:
        return preference
    try:
        with transaction.atomic():
            return Preference.objects.create(user=user, **_salted(user.pk))
    except IntegrityError:  # made meanwhile
        return Preference.objects.get(user=user)


def frequency_of(user: User) -> str:
    """What a person chose; weekly until they choose."""
    value = Preference.objects.filter(user=user).values_list("frequency", flat=True).first()
    return value or Preference.Frequency.WEEKLY


def preference_set(*, user: User, frequency: str) -> Preference:
    if frequency not in Preference.Frequency.values:
        raise NotificationsError(_("Choose how often you receive emails."))
    preference = preference_get(user)
    Preference.objects.filter(pk=preference.pk).update(frequency=frequency, updated_at=timezone.now())
    preference.frequency = frequency
    return preference


def unsubscribe_token(user: User, preference: Preference | None = None) -> str:
    """The token of the person's unsubscribe links (the same in every email until revoked)."""
    preference = preference or preference_get(user)
    token = _link_token(user.pk, preference.unsubscribe_salt)
    if token_hash(token) != preference.unsubscribe_hash:  # the secret key changed since
        Preference.objects.filter(pk=preference.pk).update(unsubscribe_hash=token_hash(token))
    return token


def links_revoke(*, user: User) -> None:
    """The unsubscribe links of every email already sent stop working (new ones will)."""
    preference = preference_get(user)
    Preference.objects.filter(pk=preference.pk).update(**_salted(user.pk), updated_at=timezone.now())


def unsubscribe_get(token: str) -> Preference | None:
    """The preference an unsubscribe link stands for (None: unknown or revoked)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return Preference.objects.select_related("user").filter(unsubscribe_hash=token_hash(token)).first()


def unsubscribe_check(token: str) -> Preference:
    """The preference an unsubscribe link stands for, or NotificationsError."""
    preference = unsubscribe_get(token)
    if preference is None:
        raise NotificationsError(
            _("This unsubscribe link is not valid (any more). Sign in to manage what you follow.")
        )
    return preference


def unsubscribe(*, token: str) -> int:
    """Follow nothing any more, from an email's link (no sign-in): every subscription and
    every event not yet told go; the number of subscriptions ended. Twice is harmless."""
    preference = unsubscribe_check(token)
    with transaction.atomic():
        ended, _rows = Subscription.objects.filter(user_id=preference.user_id).delete()
        Notification.objects.filter(user_id=preference.user_id, sent_at__isnull=True).delete()
    return ended


# Telling the followers --------------------------------------------------------------------


def _ids(values: Iterable[Model | int | None]) -> list[int]:
    found = {value.pk if isinstance(value, Model) else value for value in values}
    return sorted(value for value in found if value is not None)


def notify(
    event: str,
    obj: Model,
    *,
    commune: Commune | int | None = None,
    items: Iterable[Item | int] = (),
    groups: Iterable[Organization | int | None] = (),
    authors: Iterable[User | int | None] = (),
    recipients: Iterable[User | int | None] = (),
) -> None:
    """Tell the followers of the commune, of the items and of the groups that `obj` was
    published (once each, never its authors): the task worker writes a notification per
    person and emails those who want it at once (tasks.fan_out). `recipients` names
    people to tell besides the followers (the participants of a discussion, the people a
    comment mentions): the caller passes only people who may see `obj`. Call it once the
    publication is committed (transaction.on_commit)."""
    from .tasks import fan_out

    events.source(event)  # an unknown key fails here, not in the worker
    fan_out.enqueue(
        event=event,
        object_id=obj.pk,
        commune_id=commune.pk if isinstance(commune, Model) else commune,
        item_ids=_ids(items),
        group_ids=_ids(groups),
        author_ids=_ids(authors),
        recipient_ids=_ids(recipients),
    )
