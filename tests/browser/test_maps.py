"""Interactive maps drawn by Leaflet from our own outlines, with no tile server."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from territories.models import Commune, Department, Region

pytestmark = pytest.mark.browser

# Department outlines and commune points are the clickable shapes; region
# outlines are drawn but not interactive.
CLICKABLE_SHAPES = ".leaflet-overlay-pane path.leaflet-interactive"
ALL_SHAPES = ".leaflet-overlay-pane path"


def outlined_departments():
    return Department.objects.exclude(outline="").count()


def mapped_communes(department_code):
    return Commune.objects.active().filter(department__code=department_code, latitude__isnull=False).count()


def department_shape(page, tooltip):
    """The outline whose tooltip reads `tooltip`, found as a visitor would: by hovering."""
    shapes = page.locator(CLICKABLE_SHAPES)
    for index in range(shapes.count()):
        shape = shapes.nth(index)
        try:
            shape.hover(timeout=1000)
        except PlaywrightTimeoutError:
            continue  # Out of view (overseas) or under another shape.
        if page.locator(".leaflet-tooltip").inner_text() == tooltip:
            return shape
    pytest.fail(f"No department outline has the tooltip {tooltip!r}.")


def test_national_map_draws_every_department_and_region_outline(browsing):
    # The test data set has the communes, hence the outlines, of 8 departments.
    page = browsing.open("/carte/")
    departments = outlined_departments()
    regions = Region.objects.exclude(outline="").count()

    expect(page.locator(CLICKABLE_SHAPES)).to_have_count(departments)
    expect(page.locator(ALL_SHAPES)).to_have_count(departments + regions)
    browsing.check_page()


def test_selecting_a_department_on_the_national_map_shows_its_communes_as_points(browsing):
    page = browsing.open("/carte/")
    departments = outlined_departments()
    expect(page.locator(CLICKABLE_SHAPES)).to_have_count(departments)
    ain = department_shape(page, "01 — Ain")

    with page.expect_response(browsing.url("/departements/01/communes.geojson")) as response:
        ain.click()

    assert response.value.ok
    communes = mapped_communes("01")
    expect(page.locator(CLICKABLE_SHAPES)).to_have_count(departments + communes)
    expect(page.locator(".map-status")).to_have_text(f"Ain : {communes} communes affichées.")
    expect(page.locator(".leaflet-popup").get_by_role("link")).to_have_attribute("href", "/departements/01/")
    browsing.check_page()


def test_department_map_shows_the_communes_of_the_department_as_points(browsing):
    with browsing.page.expect_response(browsing.url("/departements/2A/communes.geojson")) as response:
        page = browsing.open("/departements/2A/")

    assert response.value.ok
    communes = mapped_communes("2A")
    expect(page.locator(CLICKABLE_SHAPES)).to_have_count(outlined_departments() + communes)
    expect(page.locator("#map")).to_have_attribute("role", "region")
    expect(page.locator("#map")).to_have_accessible_name("Carte du département et de ses communes")
    browsing.check_page()
