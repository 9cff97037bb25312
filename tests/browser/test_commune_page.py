"""The page of a commune: its facts, its town hall, its mayor and a small map."""

import re

import pytest
from playwright.sync_api import expect

from territories.models import Commune

pytestmark = pytest.mark.browser


def test_commune_page_gives_the_name_the_town_hall_contacts_and_the_mayor(browsing):
    page = browsing.open("/communes/01001/")
    commune = Commune.objects.get(code="01001")

    expect(page.locator("h1")).to_have_text("L'Abergement-Clémenciat (01)")
    town_hall = page.locator('section[aria-labelledby="town-hall-title"]')
    expect(town_hall.get_by_role("heading", level=2)).to_have_text("Mairie")
    for line in commune.town_hall_address.splitlines():
        expect(town_hall.locator("address")).to_contain_text(line)
    expect(town_hall.locator(f'a[href="mailto:{commune.town_hall_email}"]')).to_be_visible()
    expect(town_hall.locator(f'a[href="tel:{commune.town_hall_phone.replace(" ", "")}"]')).to_be_visible()
    mayor = page.locator("dt", has_text=re.compile("^Maire$")).locator("xpath=following-sibling::dd[1]")
    expect(mayor).to_have_text(commune.mayor_name)


def test_commune_page_locates_the_commune_in_its_department_on_an_inline_map(browsing):
    page = browsing.open("/communes/01001/")

    map_image = page.locator("figure.mini-map svg")
    expect(map_image).to_have_attribute("role", "img")
    expect(map_image).to_have_accessible_name(re.compile("^Situation de L'Abergement-Clémenciat"))
    expect(map_image.locator("path.map-department")).to_have_count(1)
    expect(map_image.locator("path.map-commune")).to_have_count(1)
    marker = map_image.locator("circle.map-marker")
    # SVG coordinates must not follow the French decimal comma ("50,1").
    for coordinate in ("cx", "cy"):
        assert re.fullmatch(r"-?\d+(\.\d+)?", marker.get_attribute(coordinate))
