"""A commune is named one way for people, with its article (territories.models.full_name,
Commune.display_name): on its pages, in the maps' JSON, the API, the exports and emails."""

import json
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from campaigns import services
from campaigns.exports import campaign_export_rows
from campaigns.queries import campaign_map_points
from campaigns.tests.helpers import (
    ANVITA,
    IMMEDIATE_TASKS,
    PACTE,
    add_list,
    framework,
    make_campaign,
    take_on,
)
from territories.models import Commune, full_name
from tests.support import browser, make_group, make_partner_coordinator, make_user

NAME = "L'Abergement-Clémenciat"

pytestmark = pytest.mark.django_db


@pytest.fixture
def target():
    coordinator = make_partner_coordinator("coord@example.org", partner=PACTE)
    member = make_user("member@example.org", display_name="Awa Diallo")
    group = make_group("Accueil Abergement", commune="01001", coordinator=member)
    campaign = make_campaign(coordinator, frameworks=(PACTE, ANVITA), first_round=date(2026, 3, 15))
    return take_on(campaign, code="01001", group=group, user=member)


def test_the_one_function_gives_the_article():
    commune = Commune.objects.get(code="01001")
    assert commune.name == "Abergement-Clémenciat"
    assert commune.display_name == full_name(commune.name, commune.name_type) == NAME
    assert str(commune) == NAME
    assert full_name("Havre", 2) == "Le Havre"
    assert full_name("Saint-Denis", 0) == "Saint-Denis"


def test_the_campaign_map_json_names_the_commune_with_its_article(target):
    assert [point[3:] for point in campaign_map_points(target.campaign)] == [["01001", NAME]]
    response = browser().get(reverse("campaigns:map_data", args=[target.campaign.slug]))
    assert response.status_code == 200
    assert json.loads(response.content)["points"][0][4] == NAME


def test_the_department_map_and_the_api_name_it_with_its_article():
    geojson = json.loads(browser().get(reverse("territories:department_communes", args=["01"])).content)
    names = {feature["properties"]["code"]: feature["properties"]["name"] for feature in geojson["features"]}
    assert names["01001"] == NAME
    assert browser().get(reverse("api:commune_detail", args=["01001"])).json()["name"] == NAME


def test_the_export_names_it_with_its_article(target):
    header, *rows = list(campaign_export_rows(target.campaign))
    assert rows[0][:2] == ["01001", NAME]


def test_emails_name_it_with_its_article(target, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE_TASKS
    candidate_list = add_list(target, name="Abergement demain", email="tete@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(
            target=target,
            framework=framework(),
            email="tete@example.org",
            sent_by=None,
            candidate_list=candidate_list,
        )
    [message] = mail.outbox
    assert message.subject.endswith(NAME)  # plain text: never "L&#x27;Abergement"
    assert NAME in message.body
    assert "Abergement-Clémenciat" not in message.body.replace(NAME, "")
