"""The security baseline: CSRF on every form, no open redirect after login,
unguessable single-use tokens, rate limits, production headers and cookies,
and emails sent by the task queue in the recipient's language."""

import hashlib
import os
import re
import secrets
import signal
import string
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks.signals import task_enqueued
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from actors import services as actors_services
from actors.models import Invitation, Membership, MunicipalContact, Organization
from core.emails import email_send
from moderation.models import ModerationDecision, Report
from territories.models import Commune
from tests.support import PASSWORD, enable_totp, make_group, make_user, messages_of

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent.parent
URL_SAFE = set(string.ascii_letters + string.digits + "-_")
INVALID_INVITATION = "Ce lien d’invitation n’est pas valide ou a expiré. Demandez-en un nouveau."
INVALID_VERIFICATION = "Ce lien de vérification n’est pas valide ou a expiré."


def token_from(message, prefix):
    match = re.search(re.escape(prefix) + r"([A-Za-z0-9_-]+)/", message.body)
    assert match, message.body
    return match.group(1)


def assert_not_stored(model, token):
    """No column of any row of the model holds the raw token."""
    for row in model.objects.values():
        for column, value in row.items():
            assert token not in str(value), f"{model.__name__}.{column} holds the raw token"


# (a) CSRF -----------------------------------------------------------------------------


@pytest.fixture
def world():
    coordinator = make_user("coord@example.org", display_name="Coordination")
    group = make_group("Accueil Saint-Denis", coordinator=coordinator)
    return {
        "coordinator": coordinator,
        "group": group,
        "alice": make_user("alice@example.org", display_name="Alice"),
        "staff": enable_totp(make_user("staff@example.org", is_staff=True)),
    }


def _counts():
    return {
        "users": User.objects.count(),
        "organizations": Organization.objects.count(),
        "invitations": Invitation.objects.count(),
        "contacts": MunicipalContact.objects.count(),
        "reports": Report.objects.count(),
        "decisions": ModerationDecision.objects.count(),
        "hidden": Organization.objects.filter(hidden_at__isnull=False).count(),
        "names": sorted(User.objects.values_list("display_name", flat=True)),
        "emails": len(mail.outbox),
    }


CSRF_CASES = {
    "signup": (
        None,
        "/compte/signup/",
        {
            "email": "new@example.org",
            "display_name": "Noé Nouveau",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    ),
    "login": (None, "/compte/login/", {"login": "alice@example.org", "password": PASSWORD}),
    "password reset": (None, "/compte/password/reset/", {"email": "alice@example.org"}),
    "create group": (
        "alice",
        "/organisations/nouvelle/",
        {"name": "Nouveau groupe", "group_type": "other", "commune": "93066"},
    ),
    "invite member": (
        "coordinator",
        "/organisations/{slug}/membres/",
        {"email": "bob@example.org", "role": "member"},
    ),
    "municipal contact": (
        "alice",
        "/communes/93066/representer/",
        {"role": "council", "position": "Adjointe", "method": "town_hall_email"},
    ),
    "report": ("alice", "/signaler/actors/organization/{pk}/", {"reason": "spam"}),
    "profile": ("alice", "/compte/profil/", {"display_name": "Changed", "language": "en"}),
    "delete account": ("alice", "/compte/supprimer/", {"password": PASSWORD}),
    "set language": (None, "/i18n/setlang/", {"language": "en", "next": "/"}),
    "moderation decision": (
        "staff",
        "/moderation/actors/organization/{pk}/",
        {"action": "hide", "reason": "Spam"},
    ),
}


@pytest.mark.parametrize("case", CSRF_CASES.keys())
def test_forms_refuse_posts_without_csrf_token(world, case):
    user_key, url, data = CSRF_CASES[case]
    browser = Client(enforce_csrf_checks=True)
    if user_key:
        browser.force_login(world[user_key])
    url = url.format(slug=world["group"].slug, pk=world["group"].pk)
    before = _counts()

    response = browser.post(url, data)

    assert response.status_code == 403
    assert _counts() == before
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    if user_key:
        assert browser.session.get("_auth_user_id") == str(world[user_key].pk)
    else:
        assert "_auth_user_id" not in browser.session


def test_the_same_post_with_a_token_goes_through(world):
    """The refusals above come from the missing token, not from the data."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world["alice"])
    page = browser.get("/compte/profil/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = browser.post(
        "/compte/profil/", {"display_name": "Changed", "language": "fr", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    world["alice"].refresh_from_db()
    assert world["alice"].display_name == "Changed"


# (b) No open redirect after login ------------------------------------------------------


EVIL_NEXTS = [
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "http://testserver.evil.example/",
    " //evil.example",
]


def _stays_on_site(location):
    parts = urlsplit(location)
    return (
        not parts.scheme
        and not parts.netloc
        and location.startswith("/")
        and not location.startswith(("//", "/\\"))
        and "evil" not in location
    )


@pytest.mark.parametrize("next_url", EVIL_NEXTS)
def test_login_never_redirects_off_site(client, next_url):
    make_user("alice@example.org")
    response = client.post(
        "/compte/login/", {"login": "alice@example.org", "password": PASSWORD, "next": next_url}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    assert _stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("next_url", EVIL_NEXTS)
def test_login_in_the_query_string_never_redirects_off_site(client, next_url):
    make_user("alice@example.org")
    response = client.post(
        "/compte/login/?" + "next=" + next_url, {"login": "alice@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert _stays_on_site(response["Location"]), response["Location"]


def test_login_follows_a_next_on_our_site(client):
    make_user("alice@example.org")
    response = client.post(
        "/compte/login/", {"login": "alice@example.org", "password": PASSWORD, "next": "/organisations/"}
    )
    assert response["Location"] == "/organisations/"


@pytest.mark.parametrize("next_url", EVIL_NEXTS)
def test_language_switch_never_redirects_off_site(client, next_url):
    response = client.post("/i18n/setlang/", {"language": "en", "next": next_url})
    assert response.status_code == 302
    assert _stays_on_site(response["Location"]), response["Location"]


# (c) Invitation tokens -------------------------------------------------------------------


@pytest.fixture
def invitation_setting(django_capture_on_commit_callbacks):
    coordinator = make_user("coord@example.org", display_name="Coordination")
    group = make_group("Accueil Saint-Denis", coordinator=coordinator)
    bob = make_user("bob@example.org")

    def invite(email="bob@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = actors_services.invitation_send(
                organization=group,
                email=email,
                role="member",
                invited_by=coordinator,
                site_url="http://testserver",
            )
        return invitation, token_from(mail.outbox[-1], "/invitations/")

    return {"coordinator": coordinator, "group": group, "bob": bob, "invite": invite}


def test_invitation_token_is_long_random_and_stored_only_as_a_hash(invitation_setting):
    invitation, token = invitation_setting["invite"]()
    other, other_token = invitation_setting["invite"]("carol@example.org")

    assert mail.outbox[0].to == ["bob@example.org"]
    assert len(token) >= 40
    assert set(token) <= URL_SAFE
    assert token != other_token
    invitation.refresh_from_db()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert invitation.token_hash != token
    assert_not_stored(Invitation, token)
    assert_not_stored(Invitation, other_token)


def test_invitation_is_single_use(client, invitation_setting):
    invitation, token = invitation_setting["invite"]()
    client.force_login(invitation_setting["bob"])

    response = client.post(f"/invitations/{token}/")

    assert response.status_code == 302
    assert Membership.objects.filter(
        user=invitation_setting["bob"], organization=invitation_setting["group"]
    ).exists()
    with pytest.raises(actors_services.ActorsError) as error:
        actors_services.invitation_accept(token=token, user=invitation_setting["bob"])
    assert str(error.value) == INVALID_INVITATION
    response = client.post(f"/invitations/{token}/")
    assert response.status_code == 404
    assert INVALID_INVITATION in messages_of(response)


def test_expired_invitation_is_refused_like_an_unknown_one(client, invitation_setting):
    invitation, token = invitation_setting["invite"]()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    bob = invitation_setting["bob"]

    with pytest.raises(actors_services.ActorsError) as expired:
        actors_services.invitation_accept(token=token, user=bob)
    with pytest.raises(actors_services.ActorsError) as unknown:
        actors_services.invitation_accept(token=secrets.token_urlsafe(32), user=bob)

    assert str(expired.value) == str(unknown.value) == INVALID_INVITATION
    assert not Membership.objects.filter(user=bob, organization=invitation_setting["group"]).exists()
    expired_page = client.get(f"/invitations/{token}/")
    unknown_page = client.get(f"/invitations/{secrets.token_urlsafe(32)}/")
    assert expired_page.status_code == unknown_page.status_code == 404
    assert INVALID_INVITATION in expired_page.content.decode()
    assert invitation_setting["group"].name not in expired_page.content.decode()


def test_invitation_cannot_be_accepted_by_another_email_address(invitation_setting):
    invitation, token = invitation_setting["invite"]()
    mallory = make_user("mallory@example.org")

    with pytest.raises(actors_services.ActorsError) as error:
        actors_services.invitation_accept(token=token, user=mallory)

    assert str(error.value) == (
        "Cette invitation a été envoyée à une autre adresse e-mail. Connectez-vous avec cette adresse."
    )
    assert not Membership.objects.filter(user=mallory).exists()
    invitation.refresh_from_db()
    assert invitation.is_usable
    # The right person still can.
    actors_services.invitation_accept(token=token, user=invitation_setting["bob"])


# (c) Town hall verification tokens ------------------------------------------------------------


def _ask_town_hall(client, django_capture_on_commit_callbacks, code="93066"):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            f"/communes/{code}/representer/",
            {"role": "council", "position": "Adjointe à la solidarité", "method": "town_hall_email"},
        )


def test_town_hall_link_goes_to_the_official_address_and_is_stored_hashed(
    client, django_capture_on_commit_callbacks
):
    alice = make_user("alice@example.org", display_name="Alice")
    client.force_login(alice)

    response = _ask_town_hall(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    official = Commune.objects.get(code="93066").town_hall_email
    assert official == "mairie.saint.denis@saintdenis.fr"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [official]
    assert message.subject == "[Hospitalité] Vérification d’un représentant de Saint-Denis"
    token = token_from(message, "/verification-mairie/")
    assert len(token) >= 40
    assert set(token) <= URL_SAFE
    contact = MunicipalContact.objects.get(user=alice)
    assert contact.status == MunicipalContact.Status.PENDING
    assert contact.token_hash == hashlib.sha256(token.encode()).hexdigest() != token
    assert_not_stored(MunicipalContact, token)
    assert_not_stored(MunicipalContact.history.model, token)

    # A second request gets a new token; the first one is dead.
    _ask_town_hall(client, django_capture_on_commit_callbacks)
    second = token_from(mail.outbox[-1], "/verification-mairie/")
    assert second != token
    assert Client().post(f"/verification-mairie/{token}/").status_code == 404


def test_town_hall_link_verifies_on_post_only_and_once(client, django_capture_on_commit_callbacks):
    alice = make_user("alice@example.org", display_name="Alice")
    client.force_login(alice)
    _ask_town_hall(client, django_capture_on_commit_callbacks)
    token = token_from(mail.outbox[-1], "/verification-mairie/")
    town_hall = Client()

    page = town_hall.get(f"/verification-mairie/{token}/")

    assert page.status_code == 200
    assert 'method="post"' in page.content.decode()
    contact = MunicipalContact.objects.get(user=alice)
    assert contact.status == MunicipalContact.Status.PENDING
    assert not contact.is_verified

    response = town_hall.post(f"/verification-mairie/{token}/")

    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.status == MunicipalContact.Status.VERIFIED
    assert contact.method == MunicipalContact.Method.TOWN_HALL_EMAIL
    assert contact.token_hash == ""
    again = town_hall.post(f"/verification-mairie/{token}/")
    assert again.status_code == 404
    assert INVALID_VERIFICATION in again.content.decode()


def test_expired_town_hall_link_is_refused_like_an_unknown_one(client, django_capture_on_commit_callbacks):
    alice = make_user("alice@example.org")
    client.force_login(alice)
    _ask_town_hall(client, django_capture_on_commit_callbacks)
    token = token_from(mail.outbox[-1], "/verification-mairie/")
    MunicipalContact.objects.filter(user=alice).update(token_expires_at=timezone.now() - timedelta(seconds=1))

    expired = Client().post(f"/verification-mairie/{token}/")
    unknown = Client().post(f"/verification-mairie/{secrets.token_urlsafe(32)}/")

    assert expired.status_code == unknown.status_code == 404
    assert INVALID_VERIFICATION in expired.content.decode()
    assert INVALID_VERIFICATION in unknown.content.decode()
    assert MunicipalContact.objects.get(user=alice).status == MunicipalContact.Status.PENDING


# (d) Rate limits ----------------------------------------------------------------------------------


def test_failed_logins_for_one_account_are_limited(client):
    make_user("alice@example.org")
    for attempt in range(5):
        response = Client().post(
            "/compte/login/", {"login": "alice@example.org", "password": f"wrong-{attempt}"}
        )
        assert response.status_code == 200

    response = client.post("/compte/login/", {"login": "alice@example.org", "password": PASSWORD})

    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)
    assert "Trop de tentatives de connexion échouées" in response.content.decode()
    # Another account from the same address is not locked by these attempts.
    make_user("bob@example.org")
    other = Client().post("/compte/login/", {"login": "bob@example.org", "password": PASSWORD})
    assert other.status_code == 302


def _limit(action):
    """The first amount in ACCOUNT_RATE_LIMITS[action] ("30/h/user,…" → 30)."""
    return int(settings.ACCOUNT_RATE_LIMITS[action].split(",")[0].split("/")[0])


def test_invitations_are_limited_per_user(client, django_capture_on_commit_callbacks):
    coordinator = make_user("coord@example.org")
    group = make_group("Accueil Saint-Denis", coordinator=coordinator)
    client.force_login(coordinator)
    limit = _limit("invite_member")
    assert settings.ACCOUNT_RATE_LIMITS["invite_member"].startswith(f"{limit}/h/user")

    with django_capture_on_commit_callbacks(execute=True):
        for number in range(limit):
            response = client.post(
                f"/organisations/{group.slug}/membres/",
                {"email": f"person{number}@example.org", "role": "member"},
            )
            assert response.status_code == 302, number
        response = client.post(
            f"/organisations/{group.slug}/membres/", {"email": "one-too-many@example.org", "role": "member"}
        )

    assert response.status_code == 200
    assert "Trop d’invitations envoyées : réessayez plus tard." in response.content.decode()
    assert Invitation.objects.filter(organization=group).count() == limit
    assert not Invitation.objects.filter(email="one-too-many@example.org").exists()
    assert len(mail.outbox) == limit


def test_town_hall_verification_emails_are_limited_per_user(client, django_capture_on_commit_callbacks):
    alice = make_user("alice@example.org")
    client.force_login(alice)
    limit = _limit("town_hall_verification")
    assert limit == 3

    codes = ["93066", "01001", "01002", "01004"]
    for code in codes[:limit]:
        assert _ask_town_hall(client, django_capture_on_commit_callbacks, code).status_code == 302
    response = _ask_town_hall(client, django_capture_on_commit_callbacks, codes[limit])

    assert response.status_code == 200
    assert "Trop d’e-mails de vérification envoyés : réessayez plus tard." in response.content.decode()
    assert len(mail.outbox) == limit
    assert not MunicipalContact.objects.filter(user=alice, commune__code=codes[limit]).exists()


# (e) Production settings ------------------------------------------------------------------------


def test_check_deploy_passes_with_production_settings():
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_ENV": "production",
        "SECRET_KEY": "".join(
            secrets.choice(string.ascii_letters + string.digits + "!@#%^&*(-_=+)") for _ in range(50)
        ),
        "ALLOWED_HOSTS": "hospitalite.example.org",
        "SITE_URL": "https://hospitalite.example.org",
        "DATABASE_URL": "sqlite:////tmp/x.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output


def test_production_refuses_to_start_without_a_secret_key():
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_ENV": "production",
        "ALLOWED_HOSTS": "hospitalite.example.org",
        "DATABASE_URL": "sqlite:////tmp/x.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production." in result.stderr


PRODUCTION = {
    "SECURE_SSL_REDIRECT": False,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
}


def _directives(policy):
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


@override_settings(**PRODUCTION)
@pytest.mark.parametrize("path", ["/", "/organisations/", "/compte/login/", "/confidentialite/"])
def test_production_security_headers(client, path):
    response = client.get(path, secure=True)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    directives = _directives(response["Content-Security-Policy"])
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"]
    assert "unsafe-eval" not in directives["script-src"]
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


@override_settings(**PRODUCTION)
def test_production_cookies_are_secure(client):
    make_user("alice@example.org")

    page = client.get("/compte/login/", secure=True)
    response = client.post(
        "/compte/login/", {"login": "alice@example.org", "password": PASSWORD}, secure=True
    )

    csrf_cookie = page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf_cookie["secure"]
    assert csrf_cookie["samesite"] == "Lax"
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["secure"]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"


@override_settings(**{**PRODUCTION, "SECURE_SSL_REDIRECT": True})
def test_production_redirects_plain_http_to_https(client):
    response = client.get("/organisations/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/organisations/"
    behind_proxy = client.get("/organisations/", HTTP_X_FORWARDED_PROTO="https")
    assert behind_proxy.status_code == 200


# (f) Emails go through the task queue ------------------------------------------------------------

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
DECISION = {
    "content": "Accueil Saint-Denis",
    "hidden": True,
    "reason": "Données personnelles",
    "url": "http://x/",
}


@pytest.fixture
def enqueued():
    results = []

    def record(sender, task_result, **kwargs):
        results.append(task_result)

    task_enqueued.connect(record)
    yield results
    task_enqueued.disconnect(record)


def run_worker():
    """Run the database worker until the queue is empty, keeping pytest's signal handlers.

    The worker closes "old" database connections between tasks; inside the test's
    transaction that would close the test's own connection (PostgreSQL), so it is
    kept open here, as it would be for a worker outside any transaction."""
    from unittest import mock

    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


@override_settings(TASKS=DB_TASKS)
def test_raw_tokens_do_not_stay_in_the_task_queue_once_sent(django_capture_on_commit_callbacks):
    coordinator = make_user("coord@example.org")
    group = make_group("Accueil Saint-Denis", coordinator=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        actors_services.invitation_send(
            organization=group, email="bob@example.org", role="member", invited_by=coordinator
        )
    run_worker()
    token = token_from(mail.outbox[-1], "/invitations/")

    assert_not_stored(Invitation, token)
    assert_not_stored(DBTaskResult, token)


def test_email_send_enqueues_a_task_that_the_immediate_backend_runs(enqueued):
    email_send(template="moderation/emails/decision", to="someone@example.org", context=DECISION)

    assert [result.task.module_path for result in enqueued] == ["core.tasks.send_email"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["someone@example.org"]
    assert mail.outbox[0].subject == "[Hospitalité] Votre contenu « Accueil Saint-Denis » a été masqué"


@override_settings(TASKS=DB_TASKS)
def test_with_the_database_backend_nothing_is_sent_until_the_worker_runs():
    email_send(template="moderation/emails/decision", to="someone@example.org", context=DECISION)

    assert mail.outbox == []
    task = DBTaskResult.objects.get()
    assert task.task_path == "core.tasks.send_email"
    assert task.status == "READY"

    run_worker()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["someone@example.org"]
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"


@override_settings(TASKS=DB_TASKS)
def test_allauth_emails_also_go_through_the_queue(client):
    client.post(
        "/compte/signup/",
        {
            "email": "new@example.org",
            "display_name": "Noé Nouveau",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(task_path="core.tasks.send_email").count() == 1

    run_worker()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.org"]
    assert "Confirmez" in mail.outbox[0].subject


def test_emails_to_a_user_are_in_their_language():
    english = make_user("en@example.org", language="en")
    french = make_user("fr@example.org", language="fr")

    email_send(template="moderation/emails/decision", to=english, context=DECISION)
    email_send(template="moderation/emails/decision", to=french, context=DECISION)
    email_send(template="moderation/emails/decision", to=french, context=DECISION, language="en")

    subjects = [message.subject for message in mail.outbox]
    assert subjects == [
        "[Hospitalité] Your content “Accueil Saint-Denis” was hidden",
        "[Hospitalité] Votre contenu « Accueil Saint-Denis » a été masqué",
        "[Hospitalité] Your content “Accueil Saint-Denis” was hidden",
    ]
    assert "The moderators of Hospitalité have hidden" in mail.outbox[0].body


def test_moderation_email_follows_the_author_language_not_the_moderator(
    client, django_capture_on_commit_callbacks
):
    author = make_user("author@example.org", language="en")
    group = make_group("Accueil Saint-Denis", coordinator=author)
    staff = enable_totp(make_user("staff@example.org", is_staff=True))
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/moderation/actors/organization/{group.pk}/",
            {"action": "hide", "reason": "Données personnelles"},
        )

    assert [message.to for message in mail.outbox] == [["author@example.org"]]
    assert mail.outbox[0].subject == "[Hospitalité] Your content “Accueil Saint-Denis” was hidden"
