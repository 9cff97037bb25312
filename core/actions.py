"""The view idiom "POST → service → its error shown / success message", in one place.

    if request.method == "POST" and form.is_valid():
        outcome = perform(request, lambda: services.organization_create_local_group(...),
                          errors=ActorsError, form=form, success=_("Your group is created."))
        if outcome:
            return redirect(outcome.result)

A service raises one domain error whose message is written for people (STYLE.md,
"explicit outcomes"): `perform` shows it on the form (on `field`, or above the form), or as
a message when there is no form, and shows `success` otherwise. An error that carries
several messages (`error.messages`, as AccountError or Django's ValidationError) shows
each of them. An error may also say which field each message is about, in `field_errors`
({field name or None: [messages]}, as CampaignsError): a message goes on its field when
the form has that field, else where `field` says. Any other exception propagates: a view
that handles one differently (a conflict that re-renders the current state) catches it
itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What `perform` did: true with the action's `result`, or false with the `error` it raised."""

    ok: bool
    result: T | None = None
    error: Exception | None = None

    def __bool__(self) -> bool:
        return self.ok


def perform(
    request: HttpRequest,
    action: Callable[[], T],
    *,
    errors: type[Exception] | tuple[type[Exception], ...],
    success: str | Callable[[T], str] | None = None,
    form: BaseForm | None = None,
    field: str | None = None,
) -> Outcome[T]:
    """Run `action()`; show its domain error (one of `errors`) or the success message.

    `success` is the message itself or a function of the action's result (the object it
    created); `field` names the form field the error goes on (None: above the form)."""
    try:
        result = action()
    except errors as error:
        for name, text in _placed_messages(error, field, form):
            if form is not None:
                form.add_error(name, text)
            else:
                messages.error(request, text)
        return Outcome(False, error=error)
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    return Outcome(True, result=result)


def _placed_messages(
    error: Exception, field: str | None, form: BaseForm | None
) -> list[tuple[str | None, str]]:
    """(field, message) for each message of the error: on the field its `field_errors`
    names when the form has it, else on `field`."""
    by_field = getattr(error, "field_errors", None)
    if not by_field:
        return [(field, text) for text in getattr(error, "messages", None) or [str(error)]]
    return [
        (name if form is not None and name in form.fields else field, text)
        for name, texts in by_field.items()
        for text in texts
    ]
