"""Optimistic concurrency, the one rule of every edit form: a second writer never silently
overwrites the first.

An edited model has a `version` (`version_field()`, left out of its history), which grows by
one with every save an edit form makes. The form carries the version its page was built
on, in a hidden field (`track(form, obj)`). The service claims the row inside its
transaction (`claim(obj, version)`: UPDATE … SET version = version + 1 WHERE id = … AND
version = …, which also holds the row until the transaction ends) before it writes, and
raises ConcurrentEdit, with the object as it is now, when someone else saved it meanwhile.
The view (`perform_edit`) shows the form again: what the user typed is kept, the current
values are shown beside it (`form.conflict`, drawn by core/forms/form.html), and the
hidden version moves to the current one, so that sending the form again saves it
knowingly. A write that is not an edit form's (an import correcting a list) bumps the
version too (`bump`), so that a form opened before it is refused.

The follow-up's item states (followup.services.StateConflict) and the framework drafts
(frameworks.drafts.DraftConflict) have their own version counters and conflict pages;
their errors are ConcurrentEdit too."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.db import models, transaction
from django.db.models import F
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .actions import Outcome, perform

FIELD = "version"
EMPTY = "—"


def version_field() -> models.PositiveIntegerField:
    """The `version` of an edited model (exclude it from the model's history)."""
    return models.PositiveIntegerField(
        gettext_lazy("version"),
        default=0,
        editable=False,
        help_text=gettext_lazy("Grows with every saved edit: an edit made on an older version is refused."),
    )


def conflict_message(what: str | None = None) -> str:
    return _(
        "Someone else changed %(what)s while you were editing it: here are the current values. "
        "What you typed is kept in the form: check it, then save again."
    ) % {"what": what or _("this page")}


class ConcurrentEdit(Exception):
    """The object changed since its editor read it; `current` is the object as it is now."""

    def __init__(self, current: Any, message: str = "") -> None:
        self.current = current
        super().__init__(message or conflict_message())


def claim(obj: models.Model, version: int | None) -> None:
    """Move `obj`'s version on by one, if it still is `version` (None: whatever it is, for
    the writes that are not an edit form's), else raise ConcurrentEdit with the current
    row. Call it inside the transaction that writes the object, before writing it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim() belongs in the transaction of the write it guards.")
    rows = obj._meta.model._base_manager.filter(pk=obj.pk)
    if version is not None and not rows.filter(version=version).update(version=F(FIELD) + 1):
        raise ConcurrentEdit(rows.get())
    if version is None:
        rows.update(version=F(FIELD) + 1)
        obj.version = rows.values_list(FIELD, flat=True).get()
    else:
        obj.version = version + 1


def bump(model: type[models.Model], pks: Iterable[int]) -> None:
    """Move the version of these rows on (a write that is not an edit form's)."""
    pks = list(pks)
    if pks:
        model._base_manager.filter(pk__in=pks).update(version=F(FIELD) + 1)


def track(form: BaseForm, obj: models.Model) -> BaseForm:
    """Add the hidden field that carries the version of `obj` the form was shown. Every
    form the site draws sends it; a request without it (a script's) is not checked."""
    form.fields[FIELD] = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        required=False,
        initial=obj.version,
        error_messages={
            "invalid": _("This form is out of date: open the page again."),
            "min_value": _("This form is out of date: open the page again."),
        },
    )
    return form


def perform_edit(
    request: HttpRequest,
    form: BaseForm,
    action: Callable[[], Any],
    *,
    current_values: Callable[[Any], dict[str, Any]],
    what: str | None = None,
    **options: Any,
) -> Outcome:
    """`perform` for an edit form: a ConcurrentEdit shows the form again with the conflict
    (`current_values(current)`: the form's initial values for the object as it is now)."""
    try:
        return perform(request, action, form=form, **options)
    except ConcurrentEdit as conflict:
        show_conflict(form, conflict, current_values(conflict.current), what=what)
        return Outcome(False, error=conflict)


def show_conflict(form: BaseForm, conflict: ConcurrentEdit, current: dict[str, Any], *, what=None) -> None:
    """The form, bound to what the user sent, on the current version, with the message
    and the rows (label, current value, value sent) that core/forms/form.html draws."""
    form.data = form.data.copy()
    form.data[form.add_prefix(FIELD)] = conflict.current.version
    form.conflict = conflict_rows(form, current)
    form.add_error(None, conflict_message(what) if what else str(conflict))


def conflict_rows(form: BaseForm, current: dict[str, Any]) -> list[dict[str, Any]]:
    sent = getattr(form, "cleaned_data", {}) or {}
    rows = []
    for name, field in form.fields.items():
        if name == FIELD or field.widget.is_hidden or name not in current:
            continue
        now = shown(field, current[name])
        if isinstance(field, forms.FileField) and not sent.get(name) and sent.get(name) is not False:
            yours = now  # no file sent: the current one is kept
        elif name in sent:
            yours = shown(field, sent[name])
        else:
            yours = shown(field, form.data.get(form.add_prefix(name)))
        rows.append({"label": field.label or name, "current": now, "yours": yours, "differs": now != yours})
    return rows


def shown(field: forms.Field, value: Any) -> str:
    """A field's value as people read it (a choice's label, a date, an object's name)."""
    if isinstance(field, forms.BooleanField):
        return _("yes") if value else _("no")
    if value is None or value == "" or value is False:
        return EMPTY
    if isinstance(field, forms.ModelMultipleChoiceField):
        objects = _objects(field, value)
        return ", ".join(sorted(str(obj) for obj in objects)) or EMPTY
    if isinstance(field, forms.ModelChoiceField):
        objects = _objects(field, [value])
        return str(objects[0]) if objects else EMPTY
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, dict(_flat(field.choices)).get(str(value), value)))
    if isinstance(value, datetime.datetime | datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(field, forms.FileField):
        return getattr(value, "name", "") or EMPTY
    return str(value)


def _objects(field, values) -> list:
    values = list(values)
    ids = [value.pk if isinstance(value, models.Model) else value for value in values]
    loaded = [value for value in values if isinstance(value, models.Model)]
    missing = [pk for pk in ids if pk not in {obj.pk for obj in loaded}]
    return loaded + list(field.queryset.model._base_manager.filter(pk__in=missing)) if missing else loaded


def _flat(choices):
    for value, label in choices:
        if isinstance(label, list | tuple):
            yield from ((str(inner), text) for inner, text in label)
        else:
            yield str(value), label
