"""Writes and exports for a user's own account (GDPR: access and erasure).

Both know no other app: they run what every app registered in core.personal_data."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from core import personal_data
from core.concurrency import claim

if TYPE_CHECKING:
    from .models import User


class AccountError(Exception):
    """A refused action on an account; each of its messages is shown as is."""

    def __init__(self, messages: Iterable[str]) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


@transaction.atomic
def profile_update(*, user: User, values: dict[str, Any], version: int | None = None) -> User:
    """The profile's fields (`values`, checked by its form), unless the profile changed
    since `version` (ConcurrentEdit)."""
    claim(user, version)
    for name, value in values.items():
        setattr(user, name, value)
    user.save(update_fields=list(values))
    return user


def account_data_export(*, user: User) -> dict[str, Any]:
    """Everything we store about this user, as a JSON-ready dict: every app's sections."""
    return {"exported_at": timezone.now().isoformat(), **personal_data.export(user)}


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the account. Contributions stay, shown as by "compte supprimé".

    Refused while an app says why not (actors: the user alone coordinates an organisation
    that has other members, who need another coordinator first). Otherwise every app's
    erasure runs, then the user row goes (the foreign keys do the rest).
    """
    refusals = personal_data.refusals(user)
    if refusals:
        raise AccountError(refusals)
    personal_data.erase(user)
    user.delete()
