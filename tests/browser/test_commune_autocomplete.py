"""Choosing a commune in a form: the header search's combobox, with the keyboard; without
a suggestion chosen, an ambiguous name asks which commune; a pre-filled commune shows its
name and department."""

import re

import pytest
from playwright.sync_api import expect

from actors.models import Organization
from tests.browser.helpers import log_in
from tests.support import make_user

pytestmark = pytest.mark.browser

CREATE = "/organisations/nouvelle/"


def open_the_group_form(browsing, query=""):
    make_user("alice@example.org")
    page = browsing.open("/compte/login/?next=" + CREATE + query)
    log_in(browsing, "alice@example.org")
    browsing.check_page()
    expect(page.locator("h1")).to_have_text("Créer un groupe local")
    page.get_by_label("Nom du groupe").fill("Collectif d’accueil")
    return page


def create(browsing, page):
    page.get_by_role("button", name="Créer le groupe").click()
    page.wait_for_load_state()
    browsing.check_page()


def test_a_commune_is_chosen_with_the_keyboard(browsing):
    page = open_the_group_form(browsing)
    field = page.get_by_role("combobox", name=re.compile("^Commune"))
    expect(field).to_have_attribute("aria-expanded", "false")
    field.fill("st den")
    listbox = page.locator("#id_commune_listbox")
    reunion = listbox.get_by_role("option").filter(has_text=re.compile(r"^Saint-Denis \(974 · La Réunion\)"))
    expect(reunion).to_be_visible()
    expect(field).to_have_attribute("aria-expanded", "true")
    browsing.check_page()
    for _ in range(listbox.get_by_role("option").count()):
        field.press("ArrowDown")
        if reunion.get_attribute("aria-selected") == "true":
            break
    expect(field).to_have_attribute("aria-activedescendant", reunion.get_attribute("id"))
    field.press("Enter")  # chooses the commune, does not send the form

    expect(field).to_have_value("Saint-Denis (974 · La Réunion)")
    expect(page.locator('input[name="commune_code"]')).to_have_value("97411")
    expect(page.locator("#id_commune_status")).to_have_text("Choisie : Saint-Denis (974 · La Réunion).")
    expect(page.locator("h1")).to_have_text("Créer un groupe local")
    create(browsing, page)
    assert Organization.objects.get(name="Collectif d’accueil").commune.code == "97411"


def test_a_postal_code_says_why_a_commune_appears(browsing):
    page = open_the_group_form(browsing)
    field = page.get_by_role("combobox", name=re.compile("^Commune"))
    field.fill("75011")
    options = page.locator("#id_commune_listbox").get_by_role("option")
    expect(options.filter(has_text="Paris 11e Arrondissement")).to_contain_text("code postal 75011")
    expect(options.filter(has_text=re.compile(r"^Paris \("))).to_contain_text("code postal 75011")


def test_typing_after_a_choice_forgets_it(browsing):
    page = open_the_group_form(browsing)
    field = page.get_by_role("combobox", name=re.compile("^Commune"))
    field.fill("93066")
    page.locator("#id_commune_listbox").get_by_role("option").first.click()
    expect(page.locator('input[name="commune_code"]')).to_have_value("93066")
    field.press("Backspace")
    expect(page.locator('input[name="commune_code"]')).to_have_value("")


def test_an_ambiguous_name_asks_which_commune(browsing):
    page = open_the_group_form(browsing)
    field = page.get_by_role("combobox", name=re.compile("^Commune"))
    field.fill("saint denis")
    field.press("Escape")
    create(browsing, page)

    expect(page.locator(".errorlist")).to_contain_text(
        "Plusieurs communes correspondent à «\u00a0saint denis\u00a0» : choisissez la vôtre parmi celles proposées."
    )
    choices = page.get_by_role("group", name="Quelle commune voulez-vous dire ?")
    choices.get_by_label(re.compile(r"^Saint-Denis \(93 · Seine-Saint-Denis\)")).check()
    create(browsing, page)
    assert Organization.objects.get(name="Collectif d’accueil").commune.code == "93066"


def test_a_prefilled_commune_shows_its_name_and_department(browsing):
    page = open_the_group_form(browsing, "?commune=93066")
    field = page.get_by_role("combobox", name=re.compile("^Commune"))
    expect(field).to_have_value("Saint-Denis (93 · Seine-Saint-Denis)")
    create(browsing, page)
    assert Organization.objects.get(name="Collectif d’accueil").commune.code == "93066"
