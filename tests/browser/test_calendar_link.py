"""The private calendar link (coconstruction/views/calendars.py): a committee member creates
it from their account, reads it once with a "Copier" button, and a calendar app reads the
feed with it; the page passes axe-core, at desktop and phone width."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from icalendar import Calendar
from playwright.sync_api import expect

from coconstruction.models import Committee, CommitteeMember, Meeting, Participation
from territories.models import Commune
from tests.browser.helpers import log_in, submit
from tests.support import make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def member(territories):
    from datetime import datetime, timedelta

    from django.utils import timezone

    user = make_user("awa@example.org", display_name="Awa Koné")
    committee = Committee.objects.create(commune=Commune.objects.get(code="93066"))
    CommitteeMember.objects.create(committee=committee, user=user, status=Participation.ACCEPTED)
    start = timezone.make_aware(datetime(2030, 12, 10, 18, 0))
    Meeting.objects.create(
        committee=committee,
        title="Préparation du budget",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        visibility=Meeting.Visibility.MEMBERS,
    )
    return user


@pytest.mark.parametrize("viewport", [None, {"width": 375, "height": 740}])
def test_a_member_creates_their_calendar_link(open_browsing, member, viewport):
    browsing = open_browsing(viewport)
    browsing.open("/compte/agenda/")
    page = log_in(browsing, "awa@example.org")
    expect(page.locator("h1")).to_have_text("Mon agenda")
    page = submit(browsing, page.get_by_role("button", name="Créer mon lien"))
    section = page.locator("#new-link")
    expect(section).to_be_focused()
    expect(section.get_by_role("heading", name="Votre lien privé")).to_be_visible()
    expect(section.get_by_role("button", name="Copier").first).to_be_visible()
    address = section.get_by_label("Toutes mes réunions").input_value()
    assert re.match(r"^http://[^/]+/agenda/[A-Za-z0-9_-]{43}\.ics$", address)
    feed = Client().get(urlsplit(address).path)
    [event] = Calendar.from_ical(feed.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Préparation du budget — Saint-Denis (93)"
