"""Rules that keep roles honest, and inputs that must never crash a page."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.services import account_delete
from actors import services
from actors.models import Invitation, Membership, MunicipalContact, Organization
from territories.models import Commune
from tests.support import browser, make_partner_coordinator, make_user

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def group(creator, *, networks=("egm",), validated=False, name="Accueil Saint-Denis"):
    organization = services.organization_create_local_group(
        user=creator,
        name=name,
        group_type=Organization.GroupType.EGM_ASSEMBLY,
        commune=Commune.objects.get(code="93066"),
        networks=Organization.objects.filter(slug__in=networks),
    )
    if validated:
        Organization.objects.filter(pk=organization.pk).update(status=Organization.Status.VALIDATED)
        organization.refresh_from_db()
    return organization


def test_a_coordinator_of_another_network_cannot_hide_a_pending_group():
    pending = group(make_user("founder@example.org"))
    anvita = make_partner_coordinator("anvita@example.org", partner="anvita")
    response = browser(anvita).post(
        f"/moderation/actors/organization/{pending.pk}/", {"action": "hide", "reason": "x"}
    )
    assert response.status_code == 404
    pending.refresh_from_db()
    assert not pending.is_hidden


@pytest.mark.parametrize(
    "action_url", ["/moderation/actors/organization/{pk}/", "/signaler/actors/organization/{pk}/"]
)
def test_national_partners_are_not_moderated_content(action_url):
    egm = Organization.objects.get(slug="egm")
    moderator = make_partner_coordinator("anvita@example.org", partner="anvita")
    response = browser(moderator).post(action_url.format(pk=egm.pk), {"action": "hide", "reason": "spam"})
    assert response.status_code == 403
    egm.refresh_from_db()
    assert not egm.is_hidden


def test_a_partner_coordinator_does_not_validate_the_group_they_created():
    coordinator = make_partner_coordinator("egm1@example.org")
    own = group(coordinator)
    response = browser(coordinator).post(f"/organisations/{own.slug}/decision/", {"decision": "validate"})
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.is_pending


def test_a_partner_coordinator_does_not_verify_their_own_municipal_contact():
    coordinator = make_partner_coordinator("egm1@example.org")
    contact = services.municipal_contact_request(
        user=coordinator,
        commune=Commune.objects.get(code="93066"),
        role=MunicipalContact.Role.COUNCIL,
        position="Adjointe",
        by_town_hall_email=False,
    )
    response = browser(coordinator).post(
        "/contacts-municipaux/", {"contact": contact.pk, "decision": "verify"}
    )
    assert response.status_code == 403
    contact.refresh_from_db()
    assert not contact.is_verified


@pytest.mark.parametrize(
    "url",
    [
        "/recherche/?q=a%00b",
        "/recherche/?q=12%00",
        "/api/v1/communes?q=1%00",
        "/organisations/?q=%00",
        "/recherche/?q=%F4%8F%BF%BF",
        "/api/v1/communes?q=%F4%8F%BF%BF",
    ],
)
def test_control_and_extreme_characters_in_queries_never_crash(client, url):
    assert client.get(url).status_code in {200, 422}


def test_plain_text_emails_are_not_html_escaped(django_capture_on_commit_callbacks):
    founder = make_user("founder@example.org")
    organization = group(founder, name="Assemblée d'Ivry & co")
    reviewer = make_partner_coordinator("egm1@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.organization_set_status(organization=organization, user=reviewer, validated=True)
    subject = mail.outbox[-1].subject
    assert "Assemblée d'Ivry & co" in subject
    assert "&#x27;" not in subject and "&amp;" not in subject


def test_a_coordinator_uploads_a_logo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    founder = make_user("founder@example.org")
    organization = group(founder, validated=True)
    logo = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    response = browser(founder).post(
        f"/organisations/{organization.slug}/modifier/",
        {"name": organization.name, "description": "", "website": "", "logo": logo},
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.logo.name.startswith("logos/") and organization.logo.name.endswith(".png")


def test_a_script_disguised_as_a_logo_is_refused(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    founder = make_user("founder@example.org")
    organization = group(founder, validated=True)
    fake = SimpleUploadedFile("logo.png", b"<script>alert(1)</script>", content_type="image/png")
    response = browser(founder).post(
        f"/organisations/{organization.slug}/modifier/",
        {"name": organization.name, "description": "", "website": "", "logo": fake},
    )
    assert response.status_code == 200
    assert "Ce type de fichier n’est pas accepté" in response.content.decode()
    organization.refresh_from_db()
    assert not organization.logo


def test_deleting_an_account_removes_municipal_roles_and_invitations_to_it(
    django_capture_on_commit_callbacks,
):
    founder = make_user("founder@example.org")
    organization = group(founder, validated=True)
    person = make_user("person@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(
            organization=organization, email=person.email, role="member", invited_by=founder
        )
    services.municipal_contact_request(
        user=person,
        commune=Commune.objects.get(code="93066"),
        role=MunicipalContact.Role.STAFF,
        position="Directrice du CCAS",
        by_town_hall_email=False,
    )
    account_delete(user=person)
    assert not Invitation.objects.filter(email__iexact="person@example.org").exists()
    assert not MunicipalContact.history.filter(user_id=person.pk).exists()
    assert Membership.objects.filter(user=founder).exists()


def test_history_names_people_not_ids(client):
    founder = make_user("founder@example.org", display_name="Fatou")
    organization = group(founder)
    staff = make_user("staff@example.org", is_staff=True, display_name="Équipe")
    from tests.support import enable_totp

    enable_totp(staff)
    staff_client = browser(staff)
    staff_client.post(f"/organisations/{organization.slug}/decision/", {"decision": "validate"})
    html = staff_client.get(f"/organisations/{organization.slug}/historique/").content.decode()
    assert "Validée par\u00a0: Équipe." in html
