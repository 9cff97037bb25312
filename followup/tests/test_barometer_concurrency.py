"""A barometer's period edited in two browsers at once (core.concurrency)."""

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
