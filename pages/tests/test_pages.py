"""The home page and "mon espace"."""

import pytest

from actors.models import MunicipalContact
from territories.models import Commune
from tests.support import browser, make_group, make_partner_coordinator, make_user

pytestmark = pytest.mark.django_db


def test_home_page_lists_the_regions_and_the_ways_in():
    response = browser().get("/")

    assert response.status_code == 200
    html = response.content.decode()
    for path in ["/campagnes/", "/referentiels/", "/carte/"]:
        assert f'href="{path}' in html
    assert "Île-de-France" in html


def test_my_space_needs_an_account():
    response = browser().get("/compte/")

    assert response.status_code == 302
    assert response["Location"].startswith("/compte/login/")


def test_my_space_shows_my_organisations_and_the_communes_i_represent():
    user = make_user("alice@example.org", display_name="Alice")
    make_group("Accueil Saint-Denis", coordinator=user)
    MunicipalContact.objects.create(
        user=user, commune=Commune.objects.get(code="93066"), role="council", position="Adjointe"
    )

    response = browser(user).get("/compte/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Accueil Saint-Denis" in html
    assert "Saint-Denis (93)" in html
    assert "/moderation/" not in html


def test_my_space_links_partner_coordinators_to_their_queues():
    coordinator = make_partner_coordinator("coord@example.org")

    html = browser(coordinator).get("/compte/").content.decode()

    assert "/moderation/" in html


def test_home_page_offers_first_actions_key_figures_and_the_partners(client, django_assert_max_num_queries):
    make_group()
    with django_assert_max_num_queries(8):
        html = client.get("/").content.decode()
    assert "Agir dans ma commune" in html and "Rejoindre un groupe" in html
    assert "<strong>1</strong> groupe local" in html
    assert "<strong>0</strong> commune engagée" in html
    for partner in [
        "ANVITA",
        "États généraux des migrations",
        "Pacte pour la transition",
        "Alliance Migrations",
    ]:
        assert partner in html
