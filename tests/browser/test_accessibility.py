"""Pages not exercised elsewhere still pass the checks every page must pass:
no request to a third party, no script error, no serious accessibility violation."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "path",
    [
        "/regions/",
        "/regions/94/",
        "/sources/",
        "/recherche/?q=zzzz",
        "/communes/13055/",
    ],
    ids=["regions", "region", "sources", "search-without-result", "city-with-arrondissements"],
)
def test_page_passes_the_browser_checks(browsing, path):
    page = browsing.open(path)
    expect(page.locator("h1")).to_be_visible()


@pytest.fixture
def frameworks(territories):
    """The frameworks of frameworks/data/ (the live server's tests flush the tables)."""
    from frameworks.services import frameworks_load

    frameworks_load()


@pytest.mark.parametrize(
    "path",
    [
        "/referentiels/",
        "/referentiels/pacte-pour-la-transition/",
        "/referentiels/pacte-pour-la-transition/?theme=first_welcome",
        "/referentiels/anvita-charte/engagements/1/",
        "/campagnes/",
    ],
    ids=["frameworks", "framework", "framework-by-theme", "item", "campaigns-empty"],
)
def test_framework_and_campaign_pages_pass_the_browser_checks(browsing, frameworks, path):
    page = browsing.open(path)
    expect(page.locator("h1")).to_be_visible()
