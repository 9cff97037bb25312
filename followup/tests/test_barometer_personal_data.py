"""What the barometer stores about a person: exported with the account's data; on deletion,
the ratings and barometers stay (by "compte supprimé"), the reminders go."""

import json

import pytest
from django.core import mail
from django.core.management import call_command

from accounts import services as accounts
from followup.models import Barometer, BarometerReminder, Rating, Score
from tests.support import browser

from .test_barometer_support import MUNICIPALITY, open_barometer, rate, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(committed, mayor, settings):
    settings.SITE_URL = "https://hospitalite.example.org"
    barometer = open_barometer()
    call_command("barometer_reminders", date=barometer.opens_on.isoformat(), stdout=None)
    rate(mayor, barometer, MUNICIPALITY, {"26": Score.ON_TRACK}, comments={"26": "En cours."})
    mail.outbox.clear()
    return barometer


def test_the_export_has_the_ratings_the_reminders_and_the_barometers_opened(rated, mayor):
    data = json.loads(browser(mayor).get("/compte/mes-donnees/export.json").content)

    [rating] = data["followup_barometer_ratings"]
    assert (rating["commune"], rating["item"], rating["voice"], rating["comment"]) == (
        "93066",
        "pacte-pour-la-transition 26",
        "municipality",
        "En cours.",
    )
    assert [r["kind"] for r in data["followup_barometer_reminders"]] == ["opening"]
    assert data["followup_barometers_opened"] == []
    opened = json.loads(browser(staff()).get("/compte/mes-donnees/export.json").content)
    assert [b["year"] for b in opened["followup_barometers_opened"]] == [rated.year]


def test_deletion_keeps_ratings_and_barometers_and_removes_reminders(rated, mayor):
    accounts.account_delete(user=mayor)
    accounts.account_delete(user=staff())

    rating = Rating.objects.get()
    assert rating.author is None and rating.score == Score.ON_TRACK
    assert Barometer.objects.get().created_by is None
    assert not BarometerReminder.objects.exists()
