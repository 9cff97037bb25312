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
    # The register's mayor, dated, with the source and the day it was imported.
    expect(mayor).to_have_text(
        re.compile(
            rf"^{commune.mayor_name}, depuis le 23 mars 2026 \(source\s: RNE, données importées le .+\)$"
        )
    )


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


@pytest.fixture
def frameworks(territories):
    from frameworks.services import frameworks_load

    frameworks_load()


def test_the_commune_page_consolidates_a_bulletin_and_a_deliberation(
    browsing, frameworks, settings, tmp_path
):
    """After the election, the elected list's bulletin (a level and a comment chosen) and a
    council deliberation overlap: one block, each item once with its sources, the act linked,
    the register's mayor dated next to the list; the item page shows the same."""
    from datetime import date, timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from campaigns import services as campaigns
    from frameworks.models import Framework
    from tests.support import make_partner_coordinator

    settings.MEDIA_ROOT = tmp_path / "media"
    pacte = Framework.objects.get(slug="pacte-pour-la-transition", is_current=True)
    items = {code: pacte.items.get(code=code) for code in ("07", "26", "28")}
    coordinator = make_partner_coordinator("coordination@pacte.example.org", partner=pacte.slug)
    campaign = campaigns.campaign_create(
        user=coordinator,
        title="Municipales 2026",
        kind="election",
        frameworks=[pacte],
        organizers=[pacte.publisher],
        first_round=date(2026, 3, 15),
    )
    target = campaigns.target_take_on(
        campaign=campaign, commune=Commune.objects.get(code="93066"), group=None, user=coordinator
    )
    elected = campaigns.list_add(target=target, name="Saint-Denis Ensemble", head_name="Marie Curie")
    campaigns.paper_record(
        target=target,
        framework=pacte,
        choices=[
            (items["07"], items["07"].levels.get(code="2"), "Cantine bio dès 2027."),
            (items["26"], None, ""),
        ],
        signatory_name="Marie Curie",
        signatory_role="tête de liste",
        signed_on=date(2026, 3, 2),
        candidate_list=elected,
    )
    campaigns.mark_elected(target=target, candidate_list=elected)
    campaigns.deliberation_record(
        target=target,
        framework=pacte,
        choices=[(items["26"], None, ""), (items["28"], None, "")],
        reference="2026-045",
        adopted_on=timezone.localdate() - timedelta(days=2),
        file=SimpleUploadedFile("deliberation.pdf", b"%PDF-1.4\n%%EOF\n"),
    )

    page = browsing.open("/communes/93066/")
    block = page.locator(".consolidated")
    expect(block).to_have_count(1)
    expect(block).to_contain_text("La commune s’est engagée sur 3 engagements")
    expect(block.get_by_role("link", name=re.compile(r"^26 "))).to_have_count(1)
    expect(block).to_contain_text("Cantine bio dès 2027.")
    expect(block).to_contain_text(
        "Bulletin de la liste élue « Saint-Denis Ensemble » (tête de liste : Marie Curie)"
    )
    expect(block).to_contain_text("Maire : Bally Bagayoko, depuis le 23 mars 2026")
    expect(block).to_contain_text("Délibération du conseil municipal n° 2026-045")
    act = block.get_by_role("link", name="Acte de la délibération")
    assert browsing.page.request.get(browsing.url(act.get_attribute("href"))).status == 200

    page = browsing.open(items["26"].get_absolute_url())
    committed = page.locator("section", has=page.locator("#item-communes-title"))
    expect(committed).to_contain_text("1 commune engagée pour son mandat")
    expect(committed).to_contain_text("2026–2032, Municipales 2026")
    expect(committed.get_by_role("link", name="Acte de la délibération")).to_have_count(1)
