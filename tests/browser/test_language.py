"""The language switch in the footer: French by default, English available."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def switch_language(browsing, language):
    page = browsing.page
    page.locator("#language-select").select_option(language)
    page.locator("form.language-form").get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.wait_for_load_state()
    browsing.check_page()


def test_language_switch_changes_the_page_language_and_back(browsing):
    page = browsing.open("/recherche/?q=oeuilly")
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    switch_language(browsing, "en")
    expect(page.locator("#search-input")).to_have_accessible_name("Find a commune")
    expect(page).to_have_url(browsing.url("/recherche/?q=oeuilly"))

    switch_language(browsing, "fr")
    expect(page.locator("#search-input")).to_have_accessible_name("Rechercher une commune")
    expect(page).to_have_url(browsing.url("/recherche/?q=oeuilly"))
