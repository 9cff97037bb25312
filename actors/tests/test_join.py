"""Citizens join a group: the commune page says a group acts there, the group's page
offers to ask to join (its coordinators answer from the members page, the requester is
told by email), shows its members and campaigns; the last coordinator is offered neither
to step down nor to leave; staff never see « Valider » on a validated organisation."""

import re
from datetime import UTC, datetime

import pytest
from django.core import mail

from accounts.services import account_data_export
from actors import joining, services
from actors.models import JoinRequest, Membership, Organization
from tests.support import browser, enable_totp, make_group, make_user, messages_of

pytestmark = pytest.mark.django_db


def html(response):
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def fatou():
    return make_user("fatou@example.org", display_name="Fatou Diallo")


@pytest.fixture
def group(fatou):
    return make_group("Accueil Saint-Denis", coordinator=fatou)


@pytest.fixture
def karim():
    return make_user("karim@example.org", display_name="Karim Benali")


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run a request or a service whose emails leave once its transaction commits."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


# The commune page -------------------------------------------------------------------------


def test_the_commune_page_says_a_group_already_acts_there(group):
    make_group("Collectif en attente", status=Organization.Status.PENDING, slug="en-attente")
    page = html(browser().get("/communes/93066/"))

    assert "Un groupe agit déjà ici :" in page
    assert f'<a href="/organisations/{group.slug}/"><strong>Accueil Saint-Denis</strong></a>' in page
    assert f'href="/organisations/{group.slug}/ecrire/">le contacter' in page
    assert f'href="/organisations/{group.slug}/rejoindre/">demander à le rejoindre' in page
    assert "(1 membre)" in page
    # Creating another group is still offered, second.
    assert page.index("demander à le rejoindre") < page.index(
        "Créer un autre groupe local dans cette commune"
    )
    assert "Collectif en attente" not in page  # not public yet


def test_two_groups_are_named_in_the_plural(group):
    make_group("Collectif Solidarité", slug="collectif-solidarite")
    page = html(browser().get("/communes/93066/"))
    assert "Des groupes agissent déjà ici :" in page
    assert "Accueil Saint-Denis" in page and "Collectif Solidarité" in page


def test_a_commune_without_a_group_offers_to_create_one():
    page = html(browser().get("/communes/93066/"))
    assert "Aucun groupe local n’agit encore ici." in page
    assert (
        'class="button" href="/organisations/nouvelle/?commune=93066">Créer un groupe local dans cette commune'
        in page
    )
    assert "Je représente cette commune" in page


# The group's page ---------------------------------------------------------------------------


def test_the_group_page_shows_members_and_what_each_visitor_may_do(group, fatou, karim):
    member = make_user("awa@example.org", display_name="Awa")
    Membership.objects.create(user=member, organization=group)
    url = group.get_absolute_url()

    anonymous = html(browser().get(url))
    assert "<dt>Membres</dt><dd>2 membres</dd>" in anonymous
    assert "un compte est nécessaire" in anonymous
    assert f'href="/compte/login/?next=/organisations/{group.slug}/"' in anonymous

    visitor = html(browser(karim).get(url))
    assert "Agir avec ce groupe" in visitor
    assert f'class="button" href="/organisations/{group.slug}/rejoindre/">Demander à rejoindre' in visitor
    assert f'href="/organisations/{group.slug}/ecrire/">Écrire à la coordination' in visitor

    as_member = html(browser(member).get(url))
    assert "Vous êtes membre de ce groupe." in as_member
    assert "Demander à rejoindre" not in as_member
    assert "Écrire à la coordination" in as_member

    as_coordinator = html(browser(fatou).get(url))
    assert "Demander à rejoindre" not in as_coordinator
    assert "Écrire à la coordination" not in as_coordinator


def test_partners_and_pending_groups_are_not_joined(karim):
    egm = Organization.objects.get(slug="egm")
    assert "Demander à rejoindre" not in html(browser(karim).get(egm.get_absolute_url()))
    assert browser(karim).get("/organisations/egm/rejoindre/").status_code == 403
    pending = make_group("Collectif en attente", status=Organization.Status.PENDING)
    assert browser(karim).get(f"/organisations/{pending.slug}/rejoindre/").status_code == 404
    with pytest.raises(services.ActorsError):
        joining.join_request_create(organization=egm, user=karim)


def test_the_group_page_lists_the_communes_and_campaigns_it_takes_on(group, fatou):
    from campaigns.tests.helpers import make_campaign, take_on
    from tests.support import make_partner_coordinator

    coordinator = make_partner_coordinator("pacte@example.org", partner="pacte-pour-la-transition")
    campaign = make_campaign(coordinator, title="Municipales 2026")
    take_on(campaign, "93066", group=group, user=fatou)

    page = html(browser().get(group.get_absolute_url()))
    assert "Communes et campagnes" in page
    assert "1 commune prise en charge dans des campagnes :" in page
    assert "Municipales 2026" in page
    assert '<a href="/campagnes/' in page and "Saint-Denis (93)" in page

    partner_page = html(browser().get("/organisations/pacte-pour-la-transition/"))
    assert "Campagnes organisées" in partner_page and "Municipales 2026" in partner_page

    empty = make_group("Collectif Solidarité", slug="collectif-solidarite")
    assert "Aucune commune prise en charge dans une campagne pour l’instant." in html(
        browser().get(empty.get_absolute_url())
    )


# Asking to join, and the answer -------------------------------------------------------------


def test_ask_to_join_then_the_coordinator_accepts(group, fatou, karim, send):
    client = browser(karim)
    page = html(client.get(f"/organisations/{group.slug}/rejoindre/"))
    assert "<h1>Rejoindre Accueil Saint-Denis</h1>" in page
    assert "jamais votre adresse e-mail" in page

    response = send(
        lambda: client.post(
            f"/organisations/{group.slug}/rejoindre/", {"message": "J’habite le quartier, je parle arabe."}
        )
    )
    assert response["Location"] == group.get_absolute_url()
    assert messages_of(response) == [
        "Votre demande a été envoyée. La coordination de Accueil Saint-Denis vous répondra par e-mail."
    ]
    join_request = JoinRequest.objects.get(user=karim, organization=group)
    assert join_request.is_pending
    [to_coordinator] = mail.outbox
    assert to_coordinator.to == ["fatou@example.org"]
    assert to_coordinator.subject == "[Hospitalité] Karim Benali demande à rejoindre Accueil Saint-Denis"
    assert "J’habite le quartier, je parle arabe." in to_coordinator.body
    assert f"http://testserver/organisations/{group.slug}/membres/" in to_coordinator.body
    assert "karim@example.org" not in to_coordinator.body

    # The requester sees their request waiting; asking twice is refused.
    page = html(client.get(group.get_absolute_url()))
    assert "en attente de réponse" in page and "Demander à rejoindre" not in page
    response = client.post(f"/organisations/{group.slug}/rejoindre/", {"message": ""})
    assert messages_of(response) == ["Vous avez déjà demandé à rejoindre ce groupe."]
    assert JoinRequest.objects.filter(user=karim).count() == 1

    # The coordinator sees it on the members page, without the requester's address.
    members = html(browser(fatou).get(f"/organisations/{group.slug}/membres/"))
    assert "Demandes d’adhésion" in members
    assert "<strong>Karim Benali</strong>" in members and "karim@example.org" not in members
    mail.outbox.clear()
    response = send(
        lambda: browser(fatou).post(
            f"/organisations/{group.slug}/demandes/{join_request.pk}/", {"decision": "accept"}
        )
    )
    assert response["Location"] == f"/organisations/{group.slug}/membres/"
    assert messages_of(response) == [
        "Karim Benali est maintenant membre ; la personne en est informée par e-mail."
    ]
    assert Membership.objects.get(user=karim, organization=group).role == Membership.Role.MEMBER
    join_request.refresh_from_db()
    assert (join_request.status, join_request.decided_by) == (JoinRequest.Status.ACCEPTED, fatou)
    [answer] = mail.outbox
    assert answer.to == ["karim@example.org"]
    assert answer.subject == "[Hospitalité] Bienvenue dans Accueil Saint-Denis"
    assert "a accepté votre demande" in answer.body
    assert [record.status for record in join_request.history.order_by("history_date")] == [
        "pending",
        "accepted",
    ]

    # Answered once only.
    with pytest.raises(services.ActorsError, match="^Cette demande a déjà reçu une réponse.$"):
        joining.join_request_decide(join_request=join_request, by=fatou, accept=False)
    assert "Aucune demande d’adhésion n’attend de réponse." in html(
        browser(fatou).get(f"/organisations/{group.slug}/membres/")
    )


def test_a_declined_request_is_told_and_a_new_one_may_follow(group, fatou, karim, send):
    join_request = joining.join_request_create(organization=group, user=karim)
    response = send(
        lambda: browser(fatou).post(
            f"/organisations/{group.slug}/demandes/{join_request.pk}/", {"decision": "decline"}
        )
    )
    assert messages_of(response) == [
        "Demande de Karim Benali refusée ; la personne en est informée par e-mail."
    ]
    assert not Membership.objects.filter(user=karim, organization=group).exists()
    [answer] = mail.outbox
    assert answer.subject == "[Hospitalité] Votre demande pour rejoindre Accueil Saint-Denis"
    assert "a refusé votre demande d’adhésion" in answer.body
    # No longer pending: a new request is possible.
    assert joining.join_request_create(organization=group, user=karim).is_pending


def test_a_request_can_be_withdrawn(group, karim):
    join_request = joining.join_request_create(organization=group, user=karim)
    JoinRequest.objects.filter(pk=join_request.pk).update(created_at=datetime(2026, 12, 1, 10, tzinfo=UTC))
    client = browser(karim)
    page = html(client.get(f"/organisations/{group.slug}/rejoindre/"))
    assert "Vous avez demandé à rejoindre ce groupe le 1er décembre 2026." in page
    assert "Retirer ma demande" in page
    response = client.post(f"/organisations/{group.slug}/rejoindre/retirer/")
    assert messages_of(response) == ["Votre demande d’adhésion a été retirée."]
    assert JoinRequest.objects.get(user=karim).status == JoinRequest.Status.WITHDRAWN
    response = browser(karim).post(f"/organisations/{group.slug}/rejoindre/retirer/")
    assert messages_of(response) == ["Vous n’avez aucune demande en attente de réponse dans ce groupe."]


def test_members_cannot_answer_requests_nor_ask_again(group, karim):
    member = make_user("awa@example.org")
    Membership.objects.create(user=member, organization=group)
    join_request = joining.join_request_create(organization=group, user=karim)
    client = browser(member)
    assert "Demandes d’adhésion" not in html(client.get(f"/organisations/{group.slug}/membres/"))
    response = client.post(f"/organisations/{group.slug}/demandes/{join_request.pk}/", {"decision": "accept"})
    assert response.status_code == 403
    assert client.post(f"/organisations/{group.slug}/rejoindre/", {"message": ""}).status_code == 403
    with pytest.raises(services.ActorsError, match="^Vous êtes déjà membre de ce groupe.$"):
        joining.join_request_create(organization=group, user=member)


def test_a_request_is_answered_through_its_own_group_only(group, fatou, karim):
    other = make_group("Collectif Solidarité", slug="collectif-solidarite", coordinator=fatou)
    join_request = joining.join_request_create(organization=other, user=karim)
    response = browser(fatou).post(
        f"/organisations/{group.slug}/demandes/{join_request.pk}/", {"decision": "accept"}
    )
    assert response.status_code == 404


def test_join_requests_are_rate_limited(group, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "join_organization": "1/h/user"}
    other = make_group(
        "Collectif Solidarité", slug="collectif-solidarite", coordinator=make_user("c@example.org")
    )
    client = browser(make_user("zoe@example.org"))
    assert client.post(f"/organisations/{group.slug}/rejoindre/", {"message": ""}).status_code == 302
    response = client.post(f"/organisations/{other.slug}/rejoindre/", {"message": ""})
    assert response.status_code == 200
    assert "Trop de demandes envoyées : réessayez dans une heure." in html(response)
    assert not JoinRequest.objects.filter(organization=other).exists()


def test_join_requests_are_personal_data(group, karim):
    joining.join_request_create(organization=group, user=karim, message="Bonjour")
    data = account_data_export(user=karim)
    assert [entry["message"] for entry in data["join_requests"]] == ["Bonjour"]


# The last coordinator, and the review buttons ------------------------------------------------


def test_the_last_coordinator_is_offered_neither_to_step_down_nor_to_leave(group, fatou):
    membership = Membership.objects.get(user=fatou, organization=group)
    page = html(browser(fatou).get(f"/organisations/{group.slug}/membres/"))
    assert f"/membres/{membership.pk}/role/" not in page
    assert f"/membres/{membership.pk}/retirer/" not in page
    assert "Quitter cette organisation" not in page
    assert "Vous êtes la seule personne à la coordination" in page
    staff_page = html(
        browser(enable_totp(make_user("staff@example.org", is_staff=True))).get(
            f"/organisations/{group.slug}/membres/"
        )
    )
    assert f"/membres/{membership.pk}/retirer/" not in staff_page
    # And the service refuses, whoever asks.
    with pytest.raises(services.ActorsError, match="ne peut pas quitter ce rôle"):
        services.membership_set_role(membership=membership, role=Membership.Role.MEMBER)
    with pytest.raises(services.ActorsError, match="ne peut pas partir"):
        services.membership_remove(membership=membership)


def test_with_two_coordinators_both_may_step_down(group, fatou):
    second = Membership.objects.create(
        user=make_user("awa@example.org"), organization=group, role=Membership.Role.COORDINATOR
    )
    own = Membership.objects.get(user=fatou, organization=group)
    page = html(browser(fatou).get(f"/organisations/{group.slug}/membres/"))
    for membership in (own, second):
        assert f"/membres/{membership.pk}/role/" in page
        assert f"/membres/{membership.pk}/retirer/" in page
    assert "Quitter cette organisation" in page


def test_staff_see_validate_only_on_a_pending_organisation(fatou):
    staff = browser(enable_totp(make_user("staff@example.org", is_staff=True)))
    pending = make_group("Collectif en attente", status=Organization.Status.PENDING, coordinator=fatou)
    validated = make_group("Accueil Saint-Denis", slug="accueil", coordinator=fatou)
    rejected = make_group("Collectif refusé", status=Organization.Status.REJECTED, coordinator=fatou)

    assert 'value="validate"' in html(staff.get(pending.get_absolute_url()))
    for organization in (validated, rejected, Organization.objects.get(slug="anvita")):
        page = html(staff.get(organization.get_absolute_url()))
        assert 'value="validate"' not in page and 'value="reject"' not in page
        assert "Valider ce groupe" not in page
    queue = html(staff.get("/organisations/a-valider/")).split("<main", 1)[1].split("</main>", 1)[0]
    assert "Collectif en attente" in queue
    assert "Accueil Saint-Denis" not in queue and "ANVITA" not in queue
    response = staff.post(f"/organisations/{validated.slug}/decision/", {"decision": "reject", "reason": "x"})
    assert response.status_code == 403
