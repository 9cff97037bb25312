"""What following stores about a person is in their data export, and goes with the account."""

import json

import pytest

from accounts import services as accounts
from notifications import services
from notifications.models import Notification, Preference, Subscription
from tests.support import browser, make_group, make_user

from .conftest import commune, item

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    user = make_user("alice@example.org", display_name="Alice")
    services.follow(user=user, target=commune("93066"))
    services.follow(user=user, target=item("26"))
    services.follow(user=user, target=make_group("Accueil Saint-Denis"))
    services.preference_set(user=user, frequency=Preference.Frequency.IMMEDIATE)
    Notification.objects.create(user=user, event="followup.update", object_id=7)
    return user


def test_the_export_has_what_i_follow_and_how(alice):
    bob = make_user("bob@example.org")
    services.follow(user=bob, target=commune("01001"))

    data = json.loads(browser(alice).get("/compte/mes-donnees/export.json").content)

    assert sorted((entry["kind"], entry["target"]) for entry in data["subscriptions"]) == [
        ("commune", "93066 Saint-Denis"),
        ("item", "pacte-pour-la-transition 26"),
        ("organization", "accueil-saint-denis"),
    ]
    assert data["notification_preference"]["frequency"] == "immediate"
    assert [(row["event"], row["object"]) for row in data["notifications"]] == [("followup.update", 7)]


def test_deleting_the_account_erases_it(alice):
    accounts.account_delete(user=alice)

    assert not Subscription.objects.exists()
    assert not Preference.objects.exists()
    assert not Notification.objects.exists()
