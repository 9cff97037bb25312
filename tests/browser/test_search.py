"""Finding a commune from the search box in the header of every page."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# "Saint-Denis (93 · Seine-Saint-Denis) · 93200, 93210", not L'Île-Saint-Denis.
SAINT_DENIS_93 = re.compile(r"^Saint-Denis \(93 · Seine-Saint-Denis\)")


def suggestions(page):
    return page.locator("#search-listbox").get_by_role("option")


def type_in_search_box(page, text):
    search = page.locator("#search-input")
    # One input event, hence one request: the list shown is the one for `text`.
    search.fill(text)
    expect(suggestions(page).first).to_be_visible()
    return search


def select_with_arrow_down(page, search, option):
    """Press ArrowDown until `option` is the selected suggestion."""
    for _ in range(suggestions(page).count()):
        search.press("ArrowDown")
        if option.get_attribute("aria-selected") == "true":
            return
    pytest.fail("ArrowDown never selected the option.")


def test_arrow_keys_and_enter_open_the_chosen_suggestion(browsing):
    page = browsing.open("/")
    search = type_in_search_box(page, "st den")
    saint_denis = suggestions(page).filter(has_text=SAINT_DENIS_93)

    select_with_arrow_down(page, search, saint_denis)
    search.press("Enter")

    page.wait_for_url(browsing.url("/communes/93066/"))
    browsing.check_page()
    expect(page.locator("h1")).to_have_text("Saint-Denis (93)")


def test_combobox_exposes_its_state_to_assistive_technologies(browsing):
    page = browsing.open("/")
    search = page.locator("#search-input")
    expect(search).to_have_attribute("role", "combobox")
    expect(search).to_have_attribute("aria-autocomplete", "list")
    expect(search).to_have_attribute("aria-controls", "search-listbox")
    expect(search).to_have_attribute("aria-expanded", "false")
    expect(search).to_have_accessible_name("Rechercher une commune")

    type_in_search_box(page, "st den")
    options = suggestions(page)
    expect(search).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#search-listbox")).to_be_visible()
    expect(page.locator("#search-status")).to_contain_text(str(options.count()))
    expect(search).not_to_have_attribute("aria-activedescendant", re.compile(".*"))

    search.press("ArrowDown")
    search.press("ArrowDown")
    second = options.nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    expect(search).to_have_attribute("aria-activedescendant", second.get_attribute("id"))
    expect(options.and_(page.locator('[aria-selected="true"]'))).to_have_count(1)
    # The open list, with an active option, is accessible too.
    browsing.check_page()


def test_escape_closes_the_suggestions_and_keeps_the_text(browsing):
    page = browsing.open("/")
    search = type_in_search_box(page, "st den")
    search.press("ArrowDown")

    search.press("Escape")

    expect(page.locator("#search-listbox")).to_be_hidden()
    expect(search).to_have_attribute("aria-expanded", "false")
    expect(search).not_to_have_attribute("aria-activedescendant", re.compile(".*"))
    expect(search).to_have_value("st den")
    expect(search).to_be_focused()


def test_enter_without_a_chosen_suggestion_lists_homonyms_by_decreasing_population(browsing):
    page = browsing.open("/")
    search = page.locator("#search-input")
    search.fill("oeuilly")

    search.press("Enter")

    page.wait_for_url(browsing.url("/recherche/?q=oeuilly"))
    browsing.check_page()
    results = page.locator("ol.results > li")
    # Œuilly (Marne, 648 inhabitants) before Œuilly (Aisne, 290 inhabitants).
    expect(results).to_have_count(2)
    expect(results.nth(0)).to_contain_text("(51)")
    expect(results.nth(1)).to_contain_text("(02)")
    expect(results.get_by_role("link")).to_have_text(["Œuilly", "Œuilly"])
    hrefs = [link.get_attribute("href") for link in results.get_by_role("link").all()]
    assert hrefs == ["/communes/51410/", "/communes/02565/"]
    expect(search).to_have_value("oeuilly")
