"""The committee's pages: the page with and without a committee, its creation (twice),
what each viewer sees (members-only meetings, requests, history), the POSTs of taking
part, the purpose's edit on its version, the panels of the commune page and the board."""

import pytest
from django.core import mail

from coconstruction.models import Committee, CommitteeMember, CommitteeOrganization, Meeting, Participation
from followup.tests.conftest import member_of
from tests.support import browser, make_group, make_user, messages_of

from .conftest import make_committee, make_meeting

pytestmark = pytest.mark.django_db

URL = "/communes/93066/comite/"


def html(response):
    assert response.status_code == 200
    return response.content.decode()


def test_a_commune_without_committee_says_so_and_offers_creation(saint_denis, mayor, passerby, client):
    page = html(client.get(URL))
    assert "Saint-Denis n’a pas encore de comité de suivi." in page
    assert "Connectez-vous" in page and "creer/" not in page
    assert "creer/" not in html(browser(passerby).get(URL))
    page = html(browser(mayor).get(URL))
    assert 'action="/communes/93066/comite/creer/"' in page and "Créer le comité" in page


def test_an_unknown_commune_is_404(client, saint_denis):
    assert client.get("/communes/00000/comite/").status_code == 404
    assert browser(make_user("x@example.org")).post("/communes/00000/comite/creer/").status_code == 404


def test_a_coordinator_creates_the_committee_twice_without_harm(saint_denis, coordinator, group):
    client = browser(coordinator)
    data = {"description": "Suivre le **Pacte**", "organizations": [group.pk]}
    response = client.post(URL + "creer/", data)
    assert response.status_code == 302 and response["Location"] == URL
    assert messages_of(response) == ["Le comité de suivi est créé."]
    again = client.post(URL + "creer/", data)
    assert again.status_code == 302 and again["Location"] == URL
    assert messages_of(again)[-1] == "Cette commune a déjà un comité de suivi\u00a0: le voici."
    committee = Committee.objects.get()
    assert committee.organizations.get().organization == group
    page = html(client.get(URL))
    assert "<strong>Pacte</strong>" in page and "Fatou Diallo" in page


def test_creation_without_group_comes_back_with_the_message(saint_denis, coordinator, group):
    response = browser(coordinator).post(URL + "creer/", {"description": ""})
    assert "Choisissez le groupe local au nom duquel vous créez le comité." in html(response)
    assert not Committee.objects.exists()


def test_others_may_not_create(saint_denis, passerby, client):
    assert browser(passerby).post(URL + "creer/", {"description": ""}).status_code == 403
    assert client.post(URL + "creer/").status_code == 302
    assert not Committee.objects.exists()


def test_the_page_shows_members_organisations_deciders(committee, group, client):
    page = html(client.get(URL))
    assert f'href="{group.get_absolute_url()}"' in page and "Accueil Saint-Denis" in page
    for name in ("Fatou Diallo", "Awa Koné", "Nadia Adjointe"):
        assert name in page
    assert "la municipalité" in page  # Nadia takes part for the municipality
    assert "Qui décide" in page


def test_members_only_meetings_are_for_insiders(committee, member, outsider, moderator, client):
    make_meeting(committee, title="Réunion publique")
    make_meeting(committee, title="Réunion interne", visibility=Meeting.Visibility.MEMBERS)
    make_meeting(committee, title="Bilan de l’an passé", days=-30)
    for viewer in (client, browser(outsider)):
        page = html(viewer.get(URL))
        assert "Réunion publique" in page and "Bilan de l’an passé" in page
        assert "Réunion interne" not in page
    for user in (member, moderator):
        assert "Réunion interne" in html(browser(user).get(URL))


def test_the_page_costs_a_bounded_number_of_queries(committee, mayor, django_assert_max_num_queries):
    for day in range(1, 15):
        make_meeting(committee, days=day, title=f"Réunion {day}")
        make_meeting(committee, days=-day, title=f"Passée {day}")
    client = browser(mayor)
    client.get(URL)
    with django_assert_max_num_queries(40):
        html(client.get(URL))
    with django_assert_max_num_queries(15):
        html(browser().get(URL))


def test_requests_and_history_are_for_deciders_and_insiders(committee, coordinator, member, passerby):
    browser(passerby).post(URL + "participer/", {})
    row = CommitteeMember.objects.get(user=passerby)
    decider_page = html(browser(coordinator).get(URL))
    assert "Demandes de participation" in decider_page and "Léa Passante" in decider_page
    assert "Historique du comité" in decider_page
    member_page = html(browser(member).get(URL))
    assert "Demandes de participation" not in member_page and "Historique du comité" in member_page
    passerby_page = html(browser(passerby).get(URL))
    assert "Votre demande de participation est en attente de décision." in passerby_page
    assert "Historique du comité" not in passerby_page
    response = browser(coordinator).post(URL + f"membres/{row.pk}/decision/", {"decision": "accept"})
    assert response.status_code == 302 and messages_of(response) == ["Demande acceptée."]
    row.refresh_from_db()
    assert row.status == Participation.ACCEPTED


def test_asking_twice_makes_one_request_and_one_email(
    committee, passerby, django_capture_on_commit_callbacks
):
    client = browser(passerby)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL + "participer/", {})
        client.post(URL + "participer/", {})
    assert CommitteeMember.objects.filter(user=passerby).count() == 1
    assert len(mail.outbox) == 2  # the two deciders, once


def test_an_organisation_asks_through_its_coordinator(committee, django_capture_on_commit_callbacks):
    ines = make_user("ines@example.org", display_name="Inès Asso")
    asso = make_group("Solidarité Exilés 93", slug="solidarite", coordinator=ines)
    client = browser(ines)
    page = html(client.get(URL))
    assert "Demander la participation de votre organisation" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL + "participer/organisation/", {"organization": asso.pk})
    assert response.status_code == 302
    assert CommitteeOrganization.objects.get(organization=asso).status == Participation.PENDING
    # An organisation they do not coordinate is not a choice.
    other = make_group("Autre", slug="autre", coordinator=make_user("o@example.org"))
    response = client.post(URL + "participer/organisation/", {"organization": other.pk})
    assert (
        response.status_code == 200 and not CommitteeOrganization.objects.filter(organization=other).exists()
    )


def test_a_decider_adds_an_organisation_directly(committee, mayor):
    asso = make_group("Solidarité Exilés 93", slug="solidarite", coordinator=make_user("i@example.org"))
    client = browser(mayor)
    assert "Ajouter une organisation membre" in html(client.get(URL))
    response = client.post(URL + "organisations/ajouter/", {"organization": asso.pk})
    assert messages_of(response) == ["Solidarité Exilés 93 participe désormais au comité."]


def test_leave_and_remove(committee, member, mayor, coordinator, group):
    newcomer = member_of(group, "n@example.org", display_name="Nouveau Venu")
    CommitteeMember.objects.create(committee=committee, user=newcomer, organization=group, status="accepted")
    response = browser(member).post(URL + "quitter/")
    assert messages_of(response) == ["Vous ne participez plus au comité."]
    row = committee.members.get(user=newcomer)
    assert browser(member).post(URL + f"membres/{row.pk}/retirer/").status_code == 403
    browser(mayor).post(URL + f"membres/{row.pk}/retirer/")
    row.refresh_from_db()
    assert row.status == Participation.LEFT
    fatou = committee.members.get(user=coordinator)
    response = browser(mayor).post(URL + f"membres/{fatou.pk}/retirer/")
    assert "Fatou Diallo décide pour le comité" in messages_of(response)[0]


def test_rows_of_another_committee_are_404(committee, mayor, outsider):
    other = make_committee(outsider.memberships.get().organization.commune, members=[(outsider, None)])
    row = other.members.get()
    assert browser(mayor).post(URL + f"membres/{row.pk}/retirer/").status_code == 404
    assert browser(mayor).post(URL + f"membres/{row.pk}/decision/", {"decision": "accept"}).status_code == 404


def test_the_purpose_is_edited_on_its_version(committee, mayor, coordinator):
    url = URL + "modifier/"
    assert browser(coordinator).post(url, {"description": "D’abord", "version": 0}).status_code == 302
    response = browser(mayor).post(url, {"description": "Ensuite", "version": 0})
    assert "Quelqu’un d’autre a modifié le comité" in html(response)
    committee.refresh_from_db()
    assert committee.description == "D’abord"
    assert browser(make_user("z@example.org")).get(url).status_code == 403


def test_the_commune_page_shows_the_committee_and_its_next_public_meeting(committee, client):
    make_meeting(committee, title="Réunion interne", visibility=Meeting.Visibility.MEMBERS, days=2)
    make_meeting(committee, title="Réunion ouverte", days=5)
    page = html(client.get("/communes/93066/"))
    assert "comité de 3 membres" in page
    assert "Prochaine réunion publique\u00a0: «\u00a0Réunion ouverte\u00a0», le" in page
    assert "Réunion interne" not in page and f'href="{URL}"' in page


def test_the_commune_page_leads_to_creating_a_committee_when_there_is_none(saint_denis, client):
    page = html(client.get("/communes/93066/"))
    assert "Pas encore de comité de suivi" in page
    assert 'href="/communes/93066/comite/"' in page


def test_the_board_links_to_the_committee(committed, saint_denis, client):
    page = html(client.get("/communes/93066/suivi/"))
    assert "Pas encore de comité de suivi pour cette commune." in page
    Committee.objects.create(commune=saint_denis)
    assert "Voir le comité de suivi" in html(client.get("/communes/93066/suivi/"))
