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
each of them. Any other exception propagates: a view that handles one differently (a
conflict that re-renders the current state) catches it itself."""

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
        for text in getattr(error, "messages", None) or [str(error)]:
            if form is not None:
                form.add_error(field, text)
            else:
                messages.error(request, text)
        return Outcome(False, error=error)
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    return Outcome(True, result=result)
