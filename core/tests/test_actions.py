"""perform: the domain error on a field, above the form or as a message; the success message."""

import pytest
from django import forms
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from core.actions import perform


class Refused(Exception):
    pass


class RefusedSeveralTimes(Exception):
    def __init__(self, texts):
        self.messages = list(texts)
        super().__init__("\n".join(self.messages))


class NameForm(forms.Form):
    name = forms.CharField()


@pytest.fixture
def request_():
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)
    return request


@pytest.fixture
def form():
    form = NameForm({"name": "Accueil"})
    assert form.is_valid()
    return form


def shown(request):
    return [(message.level, message.message) for message in messages.get_messages(request)]


def refuse(error=None):
    def action():
        raise error or Refused("Not now.")

    return action


def test_the_error_goes_on_the_field(request_, form):
    outcome = perform(request_, refuse(), errors=Refused, form=form, field="name", success="Saved.")
    assert not outcome
    assert isinstance(outcome.error, Refused)
    assert form.errors == {"name": ["Not now."]}
    assert shown(request_) == []


def test_the_error_goes_above_the_form_without_a_field(request_, form):
    outcome = perform(request_, refuse(), errors=Refused, form=form, success="Saved.")
    assert not outcome
    assert form.non_field_errors() == ["Not now."]
    assert shown(request_) == []


def test_the_error_is_a_message_without_a_form(request_):
    outcome = perform(request_, refuse(), errors=Refused, success="Saved.")
    assert not outcome
    assert outcome.result is None
    assert shown(request_) == [(messages.ERROR, "Not now.")]


def test_an_error_with_several_messages_shows_each(request_, form):
    error = RefusedSeveralTimes(["First.", "Second."])
    perform(request_, refuse(error), errors=RefusedSeveralTimes, form=form)
    assert form.non_field_errors() == ["First.", "Second."]
    perform(request_, refuse(error), errors=RefusedSeveralTimes)
    assert shown(request_) == [(messages.ERROR, "First."), (messages.ERROR, "Second.")]


def test_any_of_a_tuple_of_errors_is_shown(request_):
    outcome = perform(request_, refuse(KeyError("gone")), errors=(Refused, KeyError))
    assert isinstance(outcome.error, KeyError)
    assert shown(request_) == [(messages.ERROR, "'gone'")]


def test_success_shows_the_message_and_keeps_the_result(request_, form):
    outcome = perform(request_, lambda: 42, errors=Refused, form=form, field="name", success="Saved.")
    assert outcome
    assert outcome.result == 42
    assert outcome.error is None
    assert form.errors == {}
    assert shown(request_) == [(messages.SUCCESS, "Saved.")]


def test_the_success_message_may_be_a_function_of_the_result(request_):
    outcome = perform(request_, lambda: "Accueil", errors=Refused, success=lambda name: f"{name} created.")
    assert outcome.result == "Accueil"
    assert shown(request_) == [(messages.SUCCESS, "Accueil created.")]


def test_no_success_message_unless_asked(request_):
    outcome = perform(request_, lambda: None, errors=Refused)
    assert outcome
    assert shown(request_) == []


def test_other_exceptions_propagate(request_, form):
    with pytest.raises(ValueError):
        perform(request_, refuse(ValueError("bug")), errors=Refused, form=form, success="Saved.")
    assert form.errors == {}
    assert shown(request_) == []
