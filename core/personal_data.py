"""Personal data: each app says how it exports and erases what it stores about a user.

As pretix's data shredders do, every app that stores something about a user registers
one entry from its AppConfig.ready(); the account's data export
(accounts.services.account_data_export) and its deletion (accounts.services.account_delete)
know no app, they run every entry:

    # campaigns/personal_data.py
    PERSONAL_DATA = personal_data.PersonalData(
        app="campaigns",
        covers=("campaigns.Campaign.created_by", "campaigns.Step.created_by", …),
        export=export,              # export(user) -> {"campaigns_created": [...], ...}
    )

    # campaigns/apps.py, in ready()
    personal_data.register(PERSONAL_DATA)

`covers` names every foreign key to the user model that the entry accounts for, as
"app_label.Model.field": core/tests/test_personal_data.py fails while a foreign key to
the user model is covered by no entry, so a new model must say what it stores. (The
Historical* models of django-simple-history are left out: their author is a plain
integer, and what they copy is covered with the model they copy.)

On deletion, the foreign keys' own `on_delete` does most of the work: SET_NULL keeps a
contribution, shown as by "compte supprimé"; CASCADE removes what only made sense with
the account. `erase(user)` does the rest (what names the person without a foreign key:
an email address, a history), in the deletion's transaction, before the user row goes.
`refusal(user)` says why the account cannot be deleted yet (None when it can).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class PersonalData:
    app: str
    covers: tuple[str, ...]
    export: Callable
    erase: Callable | None = None
    refusal: Callable | None = None


_REGISTRY = {}


def register(entry):
    """Register (or replace) the entry of entry.app."""
    _REGISTRY[entry.app] = entry


def unregister(app):
    """Remove the entry of this app, if any (for tests)."""
    _REGISTRY.pop(app, None)


def entries():
    """The registered entries, in the order of registration (INSTALLED_APPS order)."""
    return list(_REGISTRY.values())


def export(user):
    """Every app's sections for this user, in one JSON-ready dict."""
    data = {}
    for entry in entries():
        for section, value in entry.export(user).items():
            if section in data:
                raise ImproperlyConfigured(f"Two apps export a personal-data section named {section!r}.")
            data[section] = value
    return data


def refusals(user):
    """Why this account cannot be deleted yet: one message per app that refuses."""
    messages = []
    for entry in entries():
        if entry.refusal is not None:
            message = entry.refusal(user)
            if message:
                messages.append(message)
    return messages


def erase(user):
    """Run every app's erasure (the caller deletes the user row afterwards)."""
    for entry in entries():
        if entry.erase is not None:
            entry.erase(user)


def covered_fields():
    return {field for entry in entries() for field in entry.covers}


def user_foreign_keys():
    """Every foreign key (or many-to-many) to the user model, as "app_label.Model.field",
    in every installed app (third-party ones too), Historical* models left out."""
    from simple_history.models import HistoricalChanges

    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found = set()
    for model in apps.get_models():
        if issubclass(model, HistoricalChanges):
            continue
        for field in model._meta.get_fields():
            if field.auto_created or not field.is_relation or field.related_model is not user_model:
                continue
            if field.many_to_one or field.one_to_one or field.many_to_many:
                found.add(f"{model._meta.label}.{field.name}")
    return found


def when(value):
    """A date or time as ISO 8601 text for an export (None stays None)."""
    return value.isoformat() if value else None
