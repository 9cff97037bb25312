"""The follow buttons (commune, item and group pages), "Mes abonnements", and the emails'
unsubscribe link, which works without signing in and never on a mere GET."""

import re

import pytest
from django.test import Client

from actors.models import Organization
from notifications import services
from notifications.models import Notification, Preference, Subscription
from tests.support import browser, make_group, make_user, messages_of

from .conftest import commune, follower, item

pytestmark = pytest.mark.django_db


def html_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def follow_url(kind, key, action="suivre"):
    return f"/abonnements/{kind}/{key}/{action}/"


@pytest.fixture
def alice(db):
    return make_user("alice@example.org", display_name="Alice")


def test_the_commune_page_has_a_follow_button(client, alice):
    page = html_of(client.get("/communes/93066/"))
    assert "/compte/login/?next=/communes/93066/" in page  # signed out: sign in first

    page = html_of(browser(alice).get("/communes/93066/"))
    assert f'action="{follow_url("commune", "93066")}"' in page

    services.follow(user=alice, target=commune("93066"))
    page = html_of(browser(alice).get("/communes/93066/"))
    assert f'action="{follow_url("commune", "93066", "ne-plus-suivre")}"' in page


def test_following_from_a_page_comes_back_to_it_and_twice_is_harmless(alice):
    client = browser(alice)

    first = client.post(follow_url("commune", "93066"), {"next": "/communes/93066/?onglet=1"})
    second = client.post(follow_url("commune", "93066"), {"next": "/communes/93066/"})

    assert first.status_code == second.status_code == 302
    assert first["Location"] == "/communes/93066/?onglet=1"
    assert Subscription.objects.filter(user=alice).count() == 1
    assert any("Saint-Denis (93)" in message for message in messages_of(second))


def test_a_next_address_elsewhere_is_ignored(alice):
    response = browser(alice).post(follow_url("commune", "93066"), {"next": "https://evil.example.com/"})

    assert response["Location"] == "/communes/93066/"


def test_unfollowing(alice):
    services.follow(user=alice, target=commune("93066"))

    response = browser(alice).post(follow_url("commune", "93066", "ne-plus-suivre"))

    assert response.status_code == 302
    assert not Subscription.objects.exists()
    assert browser(alice).post(follow_url("commune", "93066", "ne-plus-suivre")).status_code == 302


def test_the_item_page_and_the_group_page_have_their_follow_button(alice):
    pacte_26 = item("26")
    group = make_group("Accueil Saint-Denis")
    client = browser(alice)

    assert f'action="{follow_url("engagement", pacte_26.pk)}"' in html_of(
        client.get(pacte_26.get_absolute_url())
    )
    assert f'action="{follow_url("groupe", group.slug)}"' in html_of(client.get(group.get_absolute_url()))
    client.post(follow_url("engagement", pacte_26.pk))
    client.post(follow_url("groupe", group.slug))

    assert {row.kind for row in Subscription.objects.filter(user=alice)} == {"item", "organization"}


def test_only_validated_visible_local_groups_are_followed(alice):
    pending = make_group("Collectif en attente", status=Organization.Status.PENDING, coordinator=alice)
    partner = Organization.objects.get(slug="egm")
    client = browser(alice)

    assert "follow-title" not in html_of(client.get(pending.get_absolute_url()))
    assert "follow-title" not in html_of(client.get(partner.get_absolute_url()))
    assert client.post(follow_url("groupe", pending.slug)).status_code == 404
    assert client.post(follow_url("groupe", partner.slug)).status_code == 404
    assert client.post(follow_url("commune", "99999")).status_code == 404
    assert client.post(follow_url("engagement", "999999")).status_code == 404
    assert not Subscription.objects.exists()


def test_my_space_links_to_my_subscriptions(alice):
    assert 'href="/abonnements/"' in html_of(browser(alice).get("/compte/"))


def test_my_subscriptions_lists_them_in_a_fixed_number_of_queries(alice, django_assert_max_num_queries):
    client = browser(alice)
    client.get("/abonnements/")  # the session is read once
    for code in ("93066", "01001"):
        services.follow(user=alice, target=commune(code))
    services.follow(user=alice, target=item("26"))
    services.follow(user=alice, target=make_group("Accueil Saint-Denis"))
    with django_assert_max_num_queries(12) as few:  # session, user, MFA, usersessions included
        few_page = html_of(client.get("/abonnements/"))
    for code in ("01002", "01004", "01005"):
        services.follow(user=alice, target=commune(code))
    services.follow(user=alice, target=item("01"))
    services.follow(user=alice, target=make_group("Accueil Lyon", commune="01004"))

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = html_of(client.get("/abonnements/"))

    assert "Saint-Denis (93)" in few_page
    assert (
        len(re.findall(r'action="/abonnements/(?:commune|engagement|groupe)/[^/]+/ne-plus-suivre/"', page))
        == 9
    )


def test_choosing_immediate_emails(alice):
    client = browser(alice)
    assert re.search(r'value="weekly"[^>]*checked', html_of(client.get("/abonnements/")))

    response = client.post("/abonnements/frequence/", {"frequency": "immediate"})

    assert response["Location"] == "/abonnements/"
    assert Preference.objects.get(user=alice).frequency == Preference.Frequency.IMMEDIATE
    client.post("/abonnements/frequence/", {"frequency": "hourly"})
    assert Preference.objects.get(user=alice).frequency == Preference.Frequency.IMMEDIATE


# The unsubscribe link ------------------------------------------------------------------------


@pytest.fixture
def subscribed(alice):
    services.follow(user=alice, target=commune("93066"))
    services.follow(user=alice, target=item("26"))
    Notification.objects.create(user=alice, event="followup.update", object_id=1)
    return f"/desabonnement/{services.unsubscribe_token(alice)}/"


def test_opening_the_link_only_asks_for_a_confirmation(subscribed):
    page = html_of(Client().get(subscribed))

    assert '<form method="post">' in page
    assert Subscription.objects.count() == 2


def test_confirming_unsubscribes_without_signing_in(subscribed):
    response = Client().post(subscribed)

    assert response.status_code == 200
    assert not Subscription.objects.exists()
    assert not Notification.objects.exists()
    assert Client().post(subscribed).status_code == 200  # a double submit


def test_mail_clients_unsubscribe_in_one_click_without_a_csrf_token(subscribed):
    response = Client(enforce_csrf_checks=True).post(subscribed, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert not Subscription.objects.exists()


def test_a_bad_or_revoked_link_says_so(alice, subscribed):
    for url in ("/desabonnement/not-a-token/", "/desabonnement/" + "a" * 43 + "/"):
        response = Client().get(url)
        assert response.status_code == 404
        assert "/abonnements/" in response.content.decode()
        assert Client().post(url).status_code == 404

    browser(alice).post("/abonnements/revoquer-les-liens/")

    assert Client().post(subscribed).status_code == 404
    assert Subscription.objects.count() == 2
    assert services.unsubscribe_token(alice) not in subscribed  # the next emails have a new one


def test_the_link_is_the_same_in_every_email_until_revoked(alice):
    token = services.unsubscribe_token(alice)

    assert services.unsubscribe_token(alice) == token
    assert len(token) == 43
    assert token not in str(Preference.objects.filter(user=alice).values().get())  # only its hash is kept


def test_weekly_is_the_default(alice):
    assert services.frequency_of(alice) == Preference.Frequency.WEEKLY
    assert follower("bob@example.org").notification_subscriptions.count() == 0
