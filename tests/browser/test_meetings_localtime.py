"""A meeting's time in the viewer's timezone: the page says it for Paris ("mardi 8 décembre
2026 à 18 h 00"); a visitor in Montréal reads it in their own time, with the zone's name,
by coconstruction/localtime.js; a visitor in Paris reads the server's text untouched. The
page passes axe-core and fits a phone."""

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from coconstruction.models import Committee, Meeting
from territories.models import Commune
from tests.browser.conftest import AXE_PATH, AXE_SCRIPT, TIMEOUT_MS, Browsing

pytestmark = pytest.mark.browser


@pytest.fixture
def meeting(territories):
    from django.utils import timezone

    committee = Committee.objects.create(commune=Commune.objects.get(code="93066"))
    start = timezone.make_aware(datetime(2030, 12, 10, 18, 0))
    return Meeting.objects.create(
        committee=committee,
        title="Comité de suivi",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Salle du conseil",
        capacity=30,
    )


@pytest.fixture
def visit(chromium, live_server):
    contexts = []

    def open_in(zone, viewport=None):
        context = chromium.new_context(
            locale="fr-FR", timezone_id=zone, viewport=viewport or {"width": 1280, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        helper = Browsing(context.new_page(), live_server.url)
        context.route(lambda url: not helper.is_own(url), lambda route: route.abort("blockedbyclient"))
        context.route(
            helper.url(AXE_PATH), lambda route: route.fulfill(path=AXE_SCRIPT, content_type="text/javascript")
        )
        contexts.append(context)
        return helper

    yield open_in
    for context in contexts:
        context.close()


def test_paris_reads_the_server_text(visit, meeting):
    page = visit("Europe/Paris").open(meeting.get_absolute_url())
    start = page.locator("time[data-localtime]").first
    expect(start).to_have_text("mardi 10 décembre 2030 à 18 h 00")
    expect(page.get_by_text("0 inscrit sur 30 places")).to_be_visible()


def test_montreal_reads_its_own_time_with_the_zone(visit, meeting):
    page = visit("America/Montreal").open(meeting.get_absolute_url())
    start = page.locator("time[data-localtime]").first
    # Chromium's own wording of the zone ("UTC−5" today) may change: its presence counts.
    expect(start).to_have_text(re.compile(r"^mardi 10 décembre 2030 à 12:00 \S+"))
    expect(page.locator("time[data-localtime]").nth(1)).to_have_text("14:00")
    assert "Europe/Paris" in start.get_attribute("title")


def test_the_meeting_page_fits_a_phone(visit, meeting):
    page = visit("Europe/Paris", viewport={"width": 360, "height": 740}).open(meeting.get_absolute_url())
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
