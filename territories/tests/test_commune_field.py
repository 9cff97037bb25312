"""The commune field every form uses: a name, a postal code or an INSEE code typed (without
JavaScript), or a suggestion chosen (its code in a hidden input); an ambiguous name offers
its candidates as choices; a pre-filled commune reads as its name and department."""

import pytest
from django import forms

from territories.forms import CommuneField
from territories.models import Commune

pytestmark = pytest.mark.django_db


class PlaceForm(forms.Form):
    commune = CommuneField()


class OptionalPlaceForm(forms.Form):
    commune = CommuneField(required=False)


def clean(data, form_class=PlaceForm):
    form = form_class(data)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    "typed",
    [
        "93066",
        " 93066 ",
        "saint denis 93",
        "Saint-Denis 93",
        "ST DENIS 93",
        "93200",
        "Saint-Denis (93)",
        "Saint-Denis (93 · Seine-Saint-Denis)",
    ],
)
def test_a_code_a_postal_code_or_a_name_with_its_department_is_resolved_without_javascript(typed):
    form = clean({"commune": typed})
    assert form.errors == {}
    assert form.cleaned_data["commune"].code == "93066"


def test_the_code_of_the_suggestion_chosen_wins_over_the_text():
    form = clean({"commune": "Saint-Denis (974 · La Réunion)", "commune_code": "97411"})
    assert form.cleaned_data["commune"].code == "97411"


@pytest.mark.parametrize(
    "data", [{"commune": "paris 11"}, {"commune": "75011"}, {"commune": "x", "commune_code": "75111"}]
)
def test_an_arrondissement_is_refused_with_its_city_offered(data):
    form = clean(data)
    assert form.errors["commune"] == [
        "Paris 11e Arrondissement est un arrondissement municipal : choisissez sa ville, Paris, parmi celles proposées."
    ]
    assert 'name="commune_choice" value="75056"' in str(form["commune"])
    chosen = clean({**data, "commune_choice": "75056"})
    assert chosen.cleaned_data["commune"].code == "75056"


def test_an_ambiguous_name_is_refused_with_its_candidates_offered_as_choices():
    form = clean({"commune": "saint denis"})
    assert form.errors["commune"] == [
        "Plusieurs communes correspondent à «\u00a0saint denis\u00a0» : choisissez la vôtre parmi celles proposées."
    ]
    html = str(form["commune"])
    assert "Quelle commune voulez-vous dire ?" in html
    assert 'type="radio" name="commune_choice" value="93066"' in html
    assert "Saint-Denis (93 · Seine-Saint-Denis)" in html
    assert 'value="97411"' in html and "Saint-Denis (974 · La Réunion)" in html

    chosen = clean({"commune": "saint denis", "commune_choice": "97411"})
    assert chosen.errors == {}
    assert chosen.cleaned_data["commune"].code == "97411"


def test_a_name_without_exact_match_offers_the_communes_it_begins():
    form = clean({"commune": "saint jean"})
    assert "commune" in form.errors
    assert "Saint-Jean-de-Gonville (01 · Ain)" in str(form["commune"])


def test_an_unknown_name_is_refused_clearly():
    form = clean({"commune": "Xyzzyville"})
    assert form.errors["commune"] == [
        "Aucune commune ne correspond à «\u00a0Xyzzyville\u00a0». Vérifiez l’orthographe, ou saisissez son code postal."
    ]
    assert "commune_choice" not in str(form["commune"])


def test_the_field_is_required_unless_said_otherwise():
    assert clean({"commune": ""}).errors["commune"] == ["Ce champ est obligatoire."]
    assert clean({}).errors["commune"] == ["Ce champ est obligatoire."]
    optional = clean({"commune": "  "}, OptionalPlaceForm)
    assert optional.errors == {}
    assert optional.cleaned_data["commune"] is None


def test_an_inactive_or_unknown_code_is_refused():
    assert "commune" in clean({"commune": "99999"}).errors
    form = clean({"commune": "", "commune_code": "99999"})
    assert form.errors["commune"] == ["Ce champ est obligatoire."]


@pytest.mark.parametrize("initial", ["93066", "commune"])
def test_a_prefilled_commune_shows_its_name_and_department_never_a_bare_code(initial):
    commune = Commune.objects.get(code="93066")
    form = PlaceForm(initial={"commune": commune if initial == "commune" else "93066"})
    html = str(form["commune"])
    assert 'value="Saint-Denis (93 · Seine-Saint-Denis)"' in html
    assert 'name="commune_code" value="93066"' in html


def test_the_widget_is_the_accessible_combobox_of_the_header_search():
    html = str(PlaceForm()["commune"])
    assert "data-commune-field" in html
    assert 'data-autocomplete-url="/api/v1/communes"' in html
    assert 'role="listbox"' in html and 'id="id_commune_listbox"' in html
    assert 'role="status"' in html
    assert 'autocomplete="off"' in html
    # The text is not required by the browser: a candidate chosen may be what is sent.
    assert " required" not in html


def test_a_commune_is_resolved_in_a_few_queries(django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert clean({"commune": "saint denis 93"}).cleaned_data["commune"].code == "93066"
    with django_assert_max_num_queries(1):
        assert clean({"commune": "x", "commune_code": "93066"}).cleaned_data["commune"].code == "93066"
