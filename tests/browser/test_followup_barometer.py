"""The yearly barometer, in French, in a real browser: a coordinator of the Pacte opens this
year's barometer; Saint-Denis's municipal contact and a member of its local group each rate
its committed items on their side's form; anyone then sees both ratings on the board, and
the counts on the item page (measure 26), the department's page and the barometer's page.
Every page passes axe-core and fits a 360 px wide phone without scrolling sideways."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from followup.models import Barometer, Rating
from followup.tests.conftest import member_of, verified_contact
from followup.tests.helpers import PACTE, commit, item
from frameworks.services import frameworks_load
from tests.browser.helpers import log_in, submit, totp_secret
from tests.browser.test_followup import fits_a_phone, text
from tests.support import make_group, make_partner_coordinator, make_user

pytestmark = pytest.mark.browser

BOARD = "/communes/93066/suivi/"
ITEM_PAGE = f"/referentiels/{PACTE}/engagements/26/"


@pytest.fixture
def cast(territories):
    """Saint-Denis committed to items 26 and 01 of the Pacte; its verified municipal
    contact; a member of its local group; a coordinator of the Pacte."""
    frameworks_load()
    commit("26", "01")
    verified_contact(make_user("adjointe@saint-denis.example.org", display_name="Nadia Adjointe"), "93066")
    group = make_group("Accueil Saint-Denis", coordinator=make_user("fondatrice@example.org"))
    member_of(group, "awa@example.org", display_name="Awa")
    return make_partner_coordinator("coordination@pacte.example.org", partner=PACTE)


def open_the_barometer(browsing, coordinator):
    browsing.open("/compte/login/?next=/suivi/barometres/")
    page = log_in(browsing, coordinator.email, totp=totp_secret(coordinator))
    page = submit(
        browsing,
        page.locator("main").get_by_role("link", name=text("Ouvrir un baromètre")),
    )
    form = page.locator("main form")
    today = timezone.localdate()
    form.get_by_label(text("Année")).fill(str(today.year))
    form.get_by_label(text("Ouvre le")).fill(today.isoformat())
    form.get_by_label(text("Ferme le")).fill((today + timedelta(days=30)).isoformat())
    return submit(browsing, form.get_by_role("button"))


def rate(browsing, email, voice_link, scores, comment=""):
    """From the board, the voice's form: a level per item (by item code), a comment on 26."""
    browsing.open("/compte/login/?next=" + BOARD)
    page = log_in(browsing, email)
    page = submit(browsing, page.locator("#barometre").get_by_role("link", name=voice_link))
    for code, score in scores.items():
        page.locator(f'input[name="score_{item(code).pk}"][value="{score}"]').check()
    if comment:
        page.locator(f'textarea[name="comment_{item("26").pk}"]').fill(comment)
    page = submit(browsing, page.locator("main form").get_by_role("button"))
    expect(page.locator(".messages")).to_contain_text(text("enregistr"))
    return page


def test_a_barometer_opened_then_rated_by_both_voices(open_browsing, cast):
    coordinator, mayor, awa, visitor = (open_browsing() for _ in range(4))

    # A coordinator of the Pacte opens this year's barometer.
    page = open_the_barometer(coordinator, cast)
    barometer = Barometer.objects.get()
    expect(page).to_have_url(coordinator.url(barometer.get_absolute_url()))
    expect(page.locator("h1")).to_contain_text(str(barometer.year))

    # The municipal contact and the group member each rate on their side's form.
    rate(
        mayor,
        "adjointe@saint-denis.example.org",
        text("municipalité"),
        {"26": 4, "01": 2},
        comment="Le lieu d’accueil a ouvert en mai.",
    )
    page = rate(awa, "awa@example.org", text("société civile"), {"26": 3})
    expect(page).to_have_url(re.compile(re.escape(BOARD) + "#barometre$"))
    assert {(r.item.code, r.voice, r.score) for r in Rating.objects.select_related("item")} == {
        ("26", "municipality", 4),
        ("01", "municipality", 2),
        ("26", "civil_society", 3),
    }

    # Anyone sees both ratings on the board…
    page = visitor.open(BOARD)
    ratings = page.locator(f"#engagement-{item('26').pk} .barometer-item")
    expect(ratings.locator(".barometer-voice-municipality")).to_contain_text(text("largement réalisé"))
    expect(ratings.locator(".barometer-voice-municipality")).to_contain_text(
        "Le lieu d’accueil a ouvert en mai."
    )
    expect(ratings.locator(".barometer-voice-civil_society")).to_contain_text(text("en bonne voie"))

    # …and the counts on the item page (measure 26): one commune per voice.
    page = visitor.open(ITEM_PAGE)
    panel = page.locator("section", has=page.locator("#barometer-item-title"))
    expect(panel.locator("svg.barometer-chart")).to_have_attribute("role", "img")
    expect(panel.locator("tfoot td")).to_have_text(["1", "1"])
    expect(
        panel.locator("tbody tr", has_text=re.compile("largement réalisé|largely achieved", re.I)).locator(
            "td"
        )
    ).to_have_text(["1", "0"])

    # The department's page and the barometer's page count them too.
    page = visitor.open("/departements/93/")
    expect(page.locator("#barometer-area-title")).to_be_visible()
    page = visitor.open(barometer.get_absolute_url())
    expect(page.locator("svg.barometer-chart").first).to_be_visible()

    # On a phone, nothing scrolls sideways.
    for browsing in (visitor, mayor):
        browsing.page.set_viewport_size({"width": 360, "height": 640})
    rate_url = f"{BOARD}barometre/{PACTE}/{barometer.year}/municipalite/"
    for browsing, path in [
        (visitor, BOARD),
        (visitor, ITEM_PAGE),
        (visitor, "/departements/93/"),
        (visitor, barometer.get_absolute_url()),
        (mayor, rate_url),
    ]:
        fits_a_phone(browsing.open(path))
