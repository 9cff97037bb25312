"""Accounts: sign-up by email, verification, password reset, change of email,
sessions, profile, export and deletion of one's data, two-factor authentication
for the roles that need it, and the admin behind it all."""

import json
import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.utils import encrypt
from django.core import mail
from django.test import Client

from accounts.models import User
from actors.models import Invitation, Membership, MunicipalContact, Organization
from core.history import history_entries
from moderation.models import Report
from territories.models import Commune
from tests.support import PASSWORD, enable_totp, make_group, make_partner_coordinator, make_user, messages_of

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Another-Long-Phrase-77"


def make_staff(email, *, mfa=True):
    user = make_user(email, is_staff=True)
    if mfa:
        enable_totp(user)
    return user


def login(client, email, password=PASSWORD, **extra):
    return client.post("/compte/login/", {"login": email, "password": password}, **extra)


def link_in(message, path_prefix):
    match = re.search(r"https?://testserver(" + re.escape(path_prefix) + r"[^\s]*)", message.body)
    assert match, f"no link to {path_prefix} in: {message.body}"
    return match.group(1)


def is_logged_in(client):
    return "_auth_user_id" in client.session


# Sign-up, verification, login ------------------------------------------------


def test_signup_asks_only_an_email_and_sends_a_french_verification_email(client):
    page = client.get("/compte/signup/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="email"' in html
    assert 'name="username"' not in html

    response = client.post(
        "/compte/signup/",
        {
            "email": "Nouvelle@Example.org",
            "display_name": "Nadia Nouvelle",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email__iexact="nouvelle@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle@example.org"]
    assert message.subject.startswith("[Hospitalité] ")
    assert "Confirmez" in message.subject
    assert "/compte/confirm-email/" in message.body


def test_login_is_refused_until_the_email_is_verified_then_the_link_logs_in(client):
    client.post(
        "/compte/signup/",
        {
            "email": "nouvelle@example.org",
            "display_name": "Nadia Nouvelle",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    confirm_path = link_in(mail.outbox[-1], "/compte/confirm-email/")

    other_browser = Client()
    response = login(other_browser, "nouvelle@example.org")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/confirm-email/")
    assert not is_logged_in(other_browser)
    assert other_browser.get("/compte/").status_code == 302

    assert client.get(confirm_path).status_code == 200
    response = client.post(confirm_path)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="nouvelle@example.org").verified
    assert is_logged_in(client)
    assert client.get("/compte/").status_code == 200
    # Verified, the address now signs in anywhere.
    assert login(Client(), "nouvelle@example.org")["Location"] == "/compte/"


def test_wrong_password_is_refused_in_french(client):
    make_user("alice@example.org")
    response = login(client, "alice@example.org", "not-the-password")
    assert response.status_code == 200
    assert not is_logged_in(client)
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in response.content.decode()


def test_password_reset_sends_a_link_that_sets_a_new_password(client):
    user = make_user("alice@example.org")

    response = client.post("/compte/password/reset/", {"email": "alice@example.org"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    assert message.subject == "[Hospitalité] E-mail de réinitialisation de mot de passe"
    key_path = link_in(message, "/compte/password/reset/key/")
    response = client.get(key_path)
    assert response.status_code == 302
    set_password_path = response["Location"]
    response = client.post(set_password_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(PASSWORD)


def test_password_reset_email_is_in_the_user_language(client):
    make_user("english@example.org", language="en")

    client.post("/compte/password/reset/", {"email": "english@example.org"})

    assert mail.outbox[0].subject == "[Hospitalité] Password Reset Email"


def test_password_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post("/compte/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/compte/password/reset/done/"
    # ACCOUNT_PREVENT_ENUMERATION: a notice goes to the address, but no link to reset anything.
    assert all("/compte/password/reset/key/" not in message.body for message in mail.outbox)


def test_change_of_email_is_confirmed_from_the_new_address(client):
    user = make_user("alice@example.org")
    client.force_login(user)

    assert client.get("/compte/email/").status_code == 200
    response = client.post("/compte/email/", {"action_add": "", "email": "alice.new@example.org"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "alice@example.org"  # not before it is confirmed
    confirmations = [message for message in mail.outbox if message.to == ["alice.new@example.org"]]
    assert len(confirmations) == 1
    assert "Confirmez" in confirmations[0].subject
    response = client.post(link_in(confirmations[0], "/compte/confirm-email/"))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "alice.new@example.org"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("alice.new@example.org", True, True)
    ]


# Sessions, profile, privacy ----------------------------------------------------


def test_session_list_shows_the_current_session(client):
    make_user("alice@example.org")
    login(client, "alice@example.org", HTTP_USER_AGENT="NavigateurDeTest/1.0")

    response = client.get("/compte/sessions/", HTTP_USER_AGENT="NavigateurDeTest/1.0")

    assert response.status_code == 200
    html = response.content.decode()
    assert "NavigateurDeTest/1.0" in html
    assert "Actuel" in html


def test_profile_edit_saves_public_name_and_language(client):
    user = make_user("alice@example.org")
    client.force_login(user)
    assert client.get("/compte/profil/").status_code == 200

    response = client.post("/compte/profil/", {"display_name": "Alice M.", "language": "en"})

    assert response.status_code == 302
    assert response["Location"] == "/compte/"
    assert messages_of(response) == ["Profil enregistré."]
    user.refresh_from_db()
    assert (user.display_name, user.language) == ("Alice M.", "en")


def test_profile_requires_login(client):
    response = client.get("/compte/profil/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/login/")


def test_privacy_page_is_public(client):
    response = client.get("/confidentialite/")
    assert response.status_code == 200
    assert "Confidentialité" in response.content.decode()


# Export of one's data ----------------------------------------------------------


@pytest.fixture
def two_users_with_data():
    alice = make_user("alice@example.org", display_name="Alice")
    bob = make_user("bob@example.org", display_name="Bob")
    alice_group = make_group("Accueil Saint-Denis", created_by=alice)
    bob_group = make_group("Solidarite Bourg", commune="01053", created_by=bob)
    Membership.objects.create(user=alice, organization=alice_group, role=Membership.Role.COORDINATOR)
    Membership.objects.create(user=bob, organization=bob_group, role=Membership.Role.COORDINATOR)
    MunicipalContact.objects.create(
        user=alice, commune=Commune.objects.get(code="93066"), role="council", position="Adjointe"
    )
    MunicipalContact.objects.create(
        user=bob, commune=Commune.objects.get(code="01053"), role="staff", position="Secrétaire de mairie"
    )
    Report.objects.create(content=alice_group, reporter=bob, reason="spam", comment="Commentaire de Bob")
    from datetime import timedelta

    from django.utils import timezone

    Invitation.objects.create(
        organization=bob_group,
        email="carol@example.org",
        token_hash="0" * 64,
        invited_by=bob,
        expires_at=timezone.now() + timedelta(days=7),
    )
    return alice, bob


def test_export_contains_my_data_and_nobody_else(client, two_users_with_data):
    alice, bob = two_users_with_data
    client.force_login(alice)

    response = client.get("/compte/mes-donnees/export.json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "alice@example.org"
    assert data["account"]["public_name"] == "Alice"
    assert [m["organization"] for m in data["memberships"]] == ["Accueil Saint-Denis"]
    assert data["memberships"][0]["role"] == "coordinator"
    assert [c["commune"] for c in data["municipal_contacts"]] == ["93066"]
    assert data["municipal_contacts"][0]["position"] == "Adjointe"
    assert [o["name"] for o in data["organizations_created"]] == ["Accueil Saint-Denis"]
    assert data["reports"] == []
    assert data["invitations_received"] == []
    text = response.content.decode()
    for foreign in [
        "bob@example.org",
        "Bob",
        "Solidarite Bourg",
        "01053",
        "Secrétaire de mairie",
        "Commentaire de Bob",
        "carol@example.org",
    ]:
        assert foreign not in text


def test_export_requires_login(client):
    response = client.get("/compte/mes-donnees/export.json")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/login/")


# Deletion of the account ---------------------------------------------------------


def test_account_deletion_requires_the_right_password(client):
    user = make_user("alice@example.org")
    client.force_login(user)

    response = client.post("/compte/supprimer/", {"password": "wrong-password"})

    assert response.status_code == 200
    assert "Ce mot de passe n’est pas le bon." in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    assert is_logged_in(client)


def test_account_deletion_keeps_contributions_shown_as_deleted_account(client):
    alice = make_user("alice@example.org", display_name="Alice Martin")
    client.force_login(alice)
    response = client.post(
        "/organisations/nouvelle/",
        {"name": "Collectif Accueil", "group_type": "other", "commune": "93066"},
    )
    assert response.status_code == 302
    organization = Organization.objects.get(name="Collectif Accueil")
    client.post(
        f"/organisations/{organization.slug}/modifier/",
        {"name": "Collectif Accueil", "description": "Nouvelle description", "website": ""},
    )
    records = organization.history.all()
    assert {record.history_user_id for record in records} == {alice.pk}
    alice_id = alice.pk

    response = client.post("/compte/supprimer/", {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not User.objects.filter(pk=alice_id).exists()
    assert not EmailAddress.objects.filter(email="alice@example.org").exists()
    assert not is_logged_in(client)
    organization.refresh_from_db()
    assert organization.created_by is None
    assert organization.history.filter(history_user_id=alice_id).count() == 2

    entries = history_entries(list(organization.history.all()))
    assert {str(entry["user"]) for entry in entries} == {"compte supprimé"}

    staff = make_staff("staff@example.org")
    staff_client = Client()
    staff_client.force_login(staff)
    page = staff_client.get(f"/organisations/{organization.slug}/historique/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "compte supprimé" in html
    assert "Alice Martin" not in html


def test_account_deletion_is_refused_while_alone_coordinating_a_group_with_members(client):
    alice = make_user("alice@example.org", display_name="Alice")
    bob = make_user("bob@example.org", display_name="Bob")
    group = make_group("Accueil Saint-Denis", created_by=alice)
    Membership.objects.create(user=alice, organization=group, role=Membership.Role.COORDINATOR)
    bob_membership = Membership.objects.create(user=bob, organization=group, role=Membership.Role.MEMBER)
    client.force_login(alice)

    response = client.post("/compte/supprimer/", {"password": PASSWORD})

    assert response.status_code == 200
    assert User.objects.filter(pk=alice.pk).exists()
    assert is_logged_in(client)
    assert (
        "Vous êtes seul ou seule à coordonner Accueil Saint-Denis : nommez d’abord une autre personne "
        "à la coordination, puis supprimez votre compte."
    ) in response.content.decode()

    bob_membership.role = Membership.Role.COORDINATOR
    bob_membership.save()
    response = client.post("/compte/supprimer/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()
    assert Organization.objects.get(pk=group.pk).created_by is None


def test_deleting_a_moderator_keeps_every_record_they_touched(client):
    from django.utils import timezone

    staff = make_staff("staff@example.org")
    alice = make_user("alice@example.org")
    group = make_group("Accueil Saint-Denis", created_by=alice)
    Membership.objects.create(user=alice, organization=group, role=Membership.Role.COORDINATOR)
    Organization.objects.filter(pk=group.pk).update(validated_by=staff, validated_at=timezone.now())
    contact = MunicipalContact.objects.create(
        user=alice,
        commune=Commune.objects.get(code="93066"),
        role="council",
        position="Maire",
        status="verified",
        verified_by=staff,
    )
    report = Report.objects.create(
        content=group, reporter=alice, reason="spam", status="resolved", closed_by=staff
    )
    from moderation.models import ModerationDecision

    decision = ModerationDecision.objects.create(content=group, action="hide", reason="Spam", moderator=staff)
    client.force_login(staff)

    response = client.post("/compte/supprimer/", {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(pk=staff.pk).exists()
    group.refresh_from_db()
    contact.refresh_from_db()
    report.refresh_from_db()
    decision.refresh_from_db()
    assert group.validated_by is None
    assert contact.verified_by is None and contact.status == "verified"
    assert report.closed_by is None and report.reporter == alice
    assert decision.moderator is None


# Two-factor authentication for staff and partner coordinators ------------------


@pytest.mark.parametrize("role", ["partner coordinator", "staff"])
def test_roles_with_more_rights_must_activate_totp_first(client, role):
    if role == "staff":
        user = make_staff("power@example.org", mfa=False)
    else:
        user = make_partner_coordinator("power@example.org", mfa=False)

    response = login(client, "power@example.org")
    assert response.status_code == 302
    response = client.get("/compte/")
    assert response.status_code == 302
    assert response["Location"] == "/compte/2fa/totp/activate/"
    assert "Votre rôle exige l’authentification à deux facteurs : activez-la pour continuer." in (
        messages_of(response)
    )
    for path in ["/", "/organisations/", "/compte/profil/", "/compte/mes-donnees/export.json"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/compte/2fa/totp/activate/", path

    # The exempt pages: confirming one's password, activating TOTP, signing out.
    response = client.get("/compte/2fa/totp/activate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/reauthenticate/")
    assert client.get(response["Location"]).status_code == 200
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/compte/2fa/totp/activate/"
    assert client.get("/compte/2fa/totp/activate/").status_code == 200
    assert client.get("/compte/2fa/").status_code == 200
    response = client.post("/compte/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not is_logged_in(client)
    assert user.pk


@pytest.mark.parametrize("role", ["partner coordinator", "staff"])
def test_roles_with_more_rights_reach_their_space_with_totp(client, role):
    if role == "staff":
        user = make_staff("power@example.org")
    else:
        user = make_partner_coordinator("power@example.org")
    client.force_login(user)

    response = client.get("/compte/")

    assert response.status_code == 200
    assert client.get("/organisations/").status_code == 200


def test_staff_with_totp_signs_in_with_a_code_then_reaches_their_space(client, settings):
    settings.MFA_TOTP_TOLERANCE = 1  # no flaky failure at the turn of a 30-second period
    user = make_staff("staff@example.org", mfa=False)
    secret = generate_totp_secret()
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(secret)})

    response = login(client, "staff@example.org")
    assert response.status_code == 302
    assert response["Location"] == "/compte/2fa/authenticate/"
    assert not is_logged_in(client)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post("/compte/2fa/authenticate/", {"code": code})

    assert response.status_code == 302
    assert response["Location"] == "/compte/"
    assert client.get("/compte/").status_code == 200


def test_plain_users_and_local_coordinators_need_no_totp(client):
    user = make_user("alice@example.org")
    group = make_group("Accueil Saint-Denis")
    Membership.objects.create(user=user, organization=group, role=Membership.Role.COORDINATOR)
    client.force_login(user)
    assert client.get("/compte/").status_code == 200


@pytest.mark.parametrize("path", ["/compte/login/", "/compte/signup/", "/compte/password/reset/"])
def test_allauth_pages_use_the_site_layout(client, path):
    html = client.get(path).content.decode()
    assert "/static/core/css/site.css" in html
    assert 'action="/i18n/setlang/"' in html


# The admin -----------------------------------------------------------------------


def test_admin_sends_anonymous_visitors_to_the_allauth_login(client):
    response = client.get("/admin/", follow=True)
    final_path = response.redirect_chain[-1][0]
    assert final_path.startswith("/compte/login/")
    assert response.status_code == 200


def test_admin_is_forbidden_to_non_staff(client):
    client.force_login(make_user("alice@example.org"))
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403


def test_admin_is_open_to_staff_with_totp(client):
    client.force_login(make_staff("staff@example.org"))
    assert client.get("/admin/").status_code == 200


def test_admin_asks_staff_without_totp_to_activate_it(client):
    client.force_login(make_staff("staff@example.org", mfa=False))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/compte/2fa/totp/activate/"
