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
