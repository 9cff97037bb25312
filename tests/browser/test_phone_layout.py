"""The main pages on a phone, 390 px wide: no horizontal scroll, the header's menu behind a
button that works with the keyboard, tables stacked row by row, axe clean."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from tests.support import make_group, make_user

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PAGES = [
    "/",
    "/campagnes/",
    "/referentiels/",
    "/organisations/",
    "/regions/",
    "/departements/93/",
    "/communes/93066/",
    "/recherche/?q=saint",
    "/recherche/?q=75011",
    "/compte/login/?next=/organisations/nouvelle/",
    "/compte/signup/",
    "/organisations/nouvelle/",
]


def on_phone(browsing):
    browsing.page.set_viewport_size(PHONE)
    return browsing


def assert_no_horizontal_scroll(page):
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"], f"{page.url} scrolls sideways: {widths}"


def test_main_pages_fit_a_phone_screen(browsing):
    on_phone(browsing)
    make_user("alice@example.org")
    for path in PAGES:
        if path == "/organisations/nouvelle/":
            # Behind the login wall: sign in first, then come back.
            page = browsing.open("/compte/login/?next=/organisations/nouvelle/")
            log_in(browsing, "alice@example.org")
            browsing.check_page()
        page = browsing.open(path)
        assert_no_horizontal_scroll(page)


def test_the_menu_hides_behind_a_button_on_phones(browsing):
    page = on_phone(browsing).open("/")
    button = page.get_by_role("button", name="Menu")
    menu = page.get_by_role("navigation", name="Menu principal")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    # The header takes little of the first screen: brand, button and search box.
    assert page.locator(".site-header").bounding_box()["height"] < PHONE["height"] / 4

    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    link = menu.get_by_role("link", name="Campagnes")
    assert link.bounding_box()["height"] >= 44
    browsing.check_page()
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(button).to_be_focused()

    page.keyboard.press("Space")
    menu.get_by_role("link", name="Campagnes").click()
    page.wait_for_url(browsing.url("/campagnes/"))
    browsing.check_page()


def test_wide_screens_show_the_menu_without_a_button(browsing):
    page = browsing.open("/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Menu principal")).to_be_visible()


def test_without_javascript_the_menu_is_shown(chromium, live_server, territories):
    context = chromium.new_context(locale="fr-FR", viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        expect(page.get_by_role("navigation", name="Menu principal")).to_be_visible()
        expect(page.locator(".menu-button")).to_be_hidden()
    finally:
        context.close()


def test_the_members_table_is_stacked_on_phones(browsing):
    alice = make_user("alice@example.org")
    group = make_group(coordinator=alice)
    page = on_phone(browsing).open("/compte/login/?next=" + group.get_absolute_url() + "membres/")
    log_in(browsing, "alice@example.org")
    browsing.check_page()
    expect(page.locator("h1")).to_contain_text("Membres")
    cell = page.locator("table.stacked td").first
    expect(cell).to_have_attribute("data-label", "Nom")
    label = cell.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Nom"'
    assert_no_horizontal_scroll(page)
