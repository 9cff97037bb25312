"""Single-line text (core.text, core.forms.clean_text): every CharField of every form of the
site refuses line breaks, control characters and bidirectional controls unless it is a
textarea, which keeps its line breaks and loses the rest; spreadsheet cells are cleaned."""

import importlib
import io
import pkgutil
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import translation

from core.forms import clean_text
from core.spreadsheets import cell, read
from core.text import is_single_line, multiline, single_line, validate_single_line
from tests.support import browser, make_group, make_user

LINE_BREAKS = ["A\r\nB", "A\nB", "A\rB", "A\u2028B", "A\u2029B", "A\x85B", "A\vB", "A\fB"]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
BIDI += ["\u200e", "\u200f", "\u061c"]
CONTROLS = ["\x00", "\x07", "\t", "\x1b", "\x7f", "\x9b"]


def code_of(value):
    with pytest.raises(ValidationError) as error:
        validate_single_line(value)
    return error.value.error_list[0].code


# core.text ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", LINE_BREAKS)
def test_line_breaks_are_refused(value):
    assert code_of(value) == "single_line"
    assert not is_single_line(value)


@pytest.mark.parametrize("char", BIDI + CONTROLS)
def test_control_characters_and_bidirectional_controls_are_refused_naming_the_character(char):
    with pytest.raises(ValidationError) as error, translation.override("fr"):
        validate_single_line(f"Groupe{char}A")
    assert error.value.error_list[0].code == "control_character"
    assert error.value.messages == [
        f"Ce champ contient un caractère de contrôle invisible (U+{ord(char):04X})\u00a0: "
        "retapez le texte au lieu de le coller."
    ]


@pytest.mark.parametrize(
    "value",
    ["L'Haÿ-les-Roses", "« Accueil » Saint-Denis\u00a0!", "مرحبا", "👩\u200d👩\u200d👧", "Café\u0301"],
)
def test_ordinary_text_is_one_line(value):
    validate_single_line(value)
    assert is_single_line(value)
    assert single_line(value) == value


def test_single_line_cleans_instead_of_refusing():
    assert single_line("Groupe A\r\nBcc: spam@example.org") == "Groupe A Bcc: spam@example.org"
    assert single_line("A\t\tB\u202eC\x00D") == "A BCD"
    assert single_line("\u2066Nom\u2069\n") == "Nom"


def test_a_paragraph_keeps_its_line_breaks_and_tabs_and_loses_the_rest():
    assert multiline("Un\r\nDeux\rTrois\u2028Quatre") == "Un\nDeux\nTrois\nQuatre"
    assert multiline("A\tB\u202eC\x00D\x07\u200f") == "A\tBCD"
    assert multiline("Ligne\n\nparagraphe") == "Ligne\n\nparagraphe"


def test_spreadsheet_cells_are_cleaned_to_one_line():
    assert cell("Groupe\u202e A\r\nB\x07") == "Groupe A B"
    assert cell(" L'Abergement-Clémenciat\t") == "L'Abergement-Clémenciat"


def test_an_imported_file_gives_one_line_cells():
    data = 'liste;tete\r\n"Saint-Denis\r\nBcc: x@example.org";\u202eMarie\u2066 Curie\x07\r\n'.encode()
    upload = io.BytesIO(data)
    upload.name = "listes.csv"
    sheet = read(upload, columns=["liste", "tete"], max_bytes=10_000, max_rows=10)
    [(_line, values, _extra)] = sheet.rows
    assert values == {"liste": "Saint-Denis Bcc: x@example.org", "tete": "Marie Curie"}


# Every form of the site --------------------------------------------------------------


def _project_apps():
    base = Path(settings.BASE_DIR).resolve()
    return [
        app
        for app in apps.get_app_configs()
        if Path(app.path).resolve().is_relative_to(base) and "site-packages" not in Path(app.path).parts
    ]


def _import_every_module():
    """Import every module of the project's apps (tests and migrations apart), so that
    forms defined anywhere (forms.py, *_forms.py, views) are subclasses we can find."""
    for app in _project_apps():
        importlib.import_module(app.name)
        for module in pkgutil.walk_packages(app.module.__path__, app.name + "."):
            parts = module.name.split(".")
            if "tests" in parts or "migrations" in parts:
                continue
            importlib.import_module(module.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_forms():
    _import_every_module()
    prefixes = tuple(app.name + "." for app in _project_apps())
    found = {
        form
        for form in _subclasses(forms.BaseForm)
        if form.__module__.startswith(prefixes) and ".tests" not in form.__module__
    }
    return sorted(found, key=lambda form: f"{form.__module__}.{form.__qualname__}")


def _form_fields(form_class):
    """The form's fields: its instance's when it can be built without arguments (fields
    added in __init__ included), else its class's."""
    try:
        return form_class().fields
    except TypeError:
        return form_class.base_fields


def _text_fields(fields):
    """Text fields: not passwords (left as typed), not JSON (data, parsed as such)."""
    return {
        name: field
        for name, field in fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field, forms.JSONField)
        and not isinstance(field.widget, forms.PasswordInput)
    }


def _refusal_code(field, value):
    with pytest.raises(ValidationError) as error:
        field.clean(value)
    return error.value.error_list[0].code


def assert_text_fields_are_cleaned(where, fields, *, by_others=()):
    """Each text field refuses a line break and a bidi control (through core.forms, or
    through its own checks for the `by_others` classes: an IP address, for instance), or is
    a textarea that cleans them. Returns how many it checked."""
    checked = 0
    for name, field in _text_fields(fields).items():
        label = f"{where}.{name}"
        if isinstance(field.widget, forms.Textarea):
            assert field.to_python("A\r\n\u202eB\x00") == "A\nB", label
        elif isinstance(field, by_others):
            _refusal_code(field, "A\r\nB")
            _refusal_code(field, "A\u202eB")
        else:
            assert _refusal_code(field, "A\r\nB") == "single_line", label
            assert _refusal_code(field, "A\u202eB") == "control_character", label
        checked += 1
    return checked


@pytest.mark.django_db
def test_every_form_of_the_project_refuses_line_breaks_and_bidi_controls_in_single_line_fields():
    found = project_forms()
    names = {f"{form.__module__}.{form.__qualname__}" for form in found}
    # The walk finds forms wherever they are defined: forms modules, views, other modules.
    assert {
        "accounts.forms.SignupForm",
        "actors.forms.LocalGroupForm",
        "campaigns.forms.ListForm",
        "campaigns.letter_forms.LetterSettingsForm",
        "campaigns.views.working.ListInvitationForm",
        "followup.declarations_forms.DeclarationForm",
        "frameworks.forms.ItemForm",
        "notifications.views.PreferenceForm",
    } <= names
    checked = sum(
        assert_text_fields_are_cleaned(f"{form.__module__}.{form.__qualname__}", _form_fields(form))
        for form in found
    )
    assert checked > 40


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore::django.utils.deprecation.RemovedInDjango60Warning")  # admin URL fields
def test_allauth_and_admin_forms_go_through_the_same_cleaning():
    from allauth.account.forms import SignupForm

    assert "display_name" in SignupForm.base_fields  # ours (ACCOUNT_SIGNUP_FORM_CLASS), in allauth's form
    assert assert_text_fields_are_cleaned("allauth SignupForm", SignupForm.base_fields) >= 2
    request = RequestFactory().get("/admin/")
    request.user = make_user("admin@example.org", is_staff=True, is_superuser=True)
    checked = 0
    for model, model_admin in admin.site._registry.items():
        form = model_admin.get_form(request)
        checked += assert_text_fields_are_cleaned(
            f"admin {model.__name__}", form.base_fields, by_others=(forms.GenericIPAddressField,)
        )
    assert checked > 10


def test_every_charfield_is_cleaned_even_one_made_at_run_time():
    field = forms.CharField(label="Nom")
    assert _refusal_code(field, "Groupe A\r\nBcc: x@example.org") == "single_line"
    assert forms.CharField(widget=forms.Textarea).clean("Un\r\nDeux\u202e") == "Un\nDeux"
    assert forms.CharField(widget=forms.PasswordInput).clean("mot\u202ede passe") == "mot\u202ede passe"
    assert forms.CharField().clean("  Groupe A \n") == "Groupe A"  # the ends are stripped first, as before
    disabled = forms.CharField(disabled=True)
    assert clean_text(disabled, "A\nB") == "A\nB"  # a disabled field's value is not the user's


# Through the pages --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_group_cannot_be_renamed_with_a_fake_header_line():
    alice = make_user("alice@example.org", display_name="Alice")
    group = make_group(coordinator=alice)
    client = browser(alice)
    url = f"/organisations/{group.slug}/modifier/"
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name != "logo"}
    with translation.override("fr"):
        response = client.post(
            url, {**data, "name": "Groupe A\r\nBcc: spam@example.org"}, HTTP_ACCEPT_LANGUAGE="fr"
        )
        assert response.status_code == 200
        assert "Ce champ doit tenir sur une seule ligne." in response.content.decode()
        response = client.post(url, {**data, "name": "Groupe \u202eA"}, HTTP_ACCEPT_LANGUAGE="fr")
        assert "caractère de contrôle invisible (U+202E)" in response.content.decode()
    group.refresh_from_db()
    assert group.name == "Accueil Saint-Denis"


@pytest.mark.django_db
def test_the_sign_up_refuses_a_display_name_on_two_lines():
    from accounts.models import User

    response = browser().post(
        "/compte/signup/",
        {
            "email": "nadia@example.org",
            "display_name": "Nadia\r\nBcc: spam@example.org",
            "password1": "Correct-Horse-Battery-42",
            "password2": "Correct-Horse-Battery-42",
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 200
    assert "Ce champ doit tenir sur une seule ligne." in response.content.decode()
    assert not User.objects.filter(email="nadia@example.org").exists()
