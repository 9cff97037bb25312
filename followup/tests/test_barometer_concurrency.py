"""A barometer's period edited in two browsers at once (core.concurrency)."""

import re
from datetime import date

import pytest

from core.tests.editing import assert_conflict, both_save
from followup.models import Barometer
from tests.support import browser, make_partner_coordinator

from .helpers import PACTE
from .test_barometer_support import open_barometer

pytestmark = pytest.mark.django_db


def test_a_barometers_period_edited_in_two_browsers():
    barometer = open_barometer(year=2027, opens_on=date(2027, 4, 1), closes_on=date(2027, 6, 30))
    coordinator = make_partner_coordinator("coord@pacte.example.org", partner=PACTE)
    url = f"/suivi/barometres/{PACTE}/2027/modifier/"

    saved, refused = both_save(
        browser(coordinator),
        browser(coordinator),
        url,
        {"opens_on": "2027-04-01", "closes_on": "2027-07-14"},
        {"opens_on": "2027-04-01", "closes_on": "2027-09-30"},
    )

    assert saved.status_code == 302
    assert_conflict(
        refused,
        "this barometer's period",
        current=["14 juillet 2027"],
        typed=["30 septembre 2027"],
        kept=["2027-09-30"],
    )
    assert Barometer.objects.get(pk=barometer.pk).closes_on == date(2027, 7, 14)


def test_two_people_of_one_side_rating_at_once_the_second_is_told_and_keeps_what_they_chose(committed):
    from followup.models import Rating
    from tests.support import make_user

    from .conftest import verified_contact
    from .helpers import item
    from .test_barometer_pages import form_url

    barometer = open_barometer()
    first = browser(verified_contact(make_user("adjointe@saint-denis.example.org"), "93066"))
    second = browser(verified_contact(make_user("maire@saint-denis.example.org"), "93066"))
    url = form_url(barometer)
    stamp_read = stamp_in(first.get(url).content.decode())
    assert stamp_in(second.get(url).content.decode()) == stamp_read
    score = f"score_{item('26').pk}"

    saved = first.post(url, {score: "5", "stamp": stamp_read})
    refused = second.post(url, {score: "2", "stamp": stamp_read})

    assert saved.status_code == 302
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Quelqu’un de votre côté a enregistré ces notes pendant que vous répondiez" in html
    assert "26 : " in html
    assert Rating.objects.get().score == 5
    assert re.search(rf'name="{score}" value="2"[^>]*checked', html)  # what they chose is kept
    # The form now carries the current stamp: sending it again replaces the ratings knowingly.
    again = second.post(url, {score: "2", "stamp": stamp_in(html)})
    assert again.status_code == 302
    assert Rating.objects.get().score == 2


def test_a_form_without_a_stamp_is_not_checked(committed):
    from followup.models import Rating
    from tests.support import make_user

    from .conftest import verified_contact
    from .helpers import item
    from .test_barometer_pages import form_url

    barometer = open_barometer()
    client = browser(verified_contact(make_user("adjointe@saint-denis.example.org"), "93066"))
    assert client.post(form_url(barometer), {f"score_{item('26').pk}": "4"}).status_code == 302
    assert Rating.objects.get().score == 4


def stamp_in(html):
    return re.search(r'name="stamp" value="([0-9a-f]+)"', html).group(1)
