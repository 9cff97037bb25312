"""Forms of the site: the one way they are rendered (`{{ form }}` in any template), and
the one way their text is cleaned.

Django's form renderer uses core/forms/form.html for a form and core/forms/field.html for
each field (label or legend, the widget, its errors and help text, linked to the widget by
aria-describedby). A form whose page lays out some fields itself (the item choices of a
bulletin) lists their names in `rendered_elsewhere`; `{{ form }}` renders the others.

Every CharField of the site also cleans its text the same way (`clean_text` below, installed
by CoreConfig.ready()): one line unless its widget is a textarea."""

from django import forms
from django.forms.renderers import DjangoTemplates

from .text import multiline, validate_single_line


class FormRenderer(DjangoTemplates):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


def clean_text(field, value):
    """What every CharField of the site does with its cleaned text (core.text): a textarea
    keeps its line breaks but loses bidirectional controls, NUL and other control
    characters; any other widget is one line, refused with a clear message otherwise.
    Passwords are left as typed (never shown, mailed or exported), and so is the value of
    a disabled field (not the user's)."""
    if not isinstance(value, str) or not value or field.disabled:
        return value
    if isinstance(field.widget, forms.Textarea):
        return multiline(value)
    if not isinstance(field.widget, forms.PasswordInput):
        validate_single_line(value)
    return value


_django_to_python = forms.CharField.to_python


def _to_python(self, value):
    return clean_text(self, _django_to_python(self, value))


def install_text_cleaning():
    """Make every forms.CharField (and subclass: email, URL, slug…) of every form, ours,
    the admin's and allauth's alike, go through clean_text. Called once from
    CoreConfig.ready(), so that no form can forget it; core/tests/test_single_line.py walks
    every form class of the project to prove it."""
    if forms.CharField.to_python is not _to_python:
        forms.CharField.to_python = _to_python
