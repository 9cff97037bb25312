"""Where people go after signing in: the « Créer un compte » link keeps ?next, a login wall
says why an account is needed, and a « Continuer » leads back after setting up two-factor
authentication."""

import pytest
from allauth.mfa.models import Authenticator

from accounts.middleware import MFA_NEXT_SESSION_KEY
from accounts.tests.test_accounts import make_staff
from tests.support import browser

pytestmark = pytest.mark.django_db


def html_of(response):
    return response.content.decode()


def test_the_header_links_to_sign_in_and_up_keep_the_page_one_is_on():
    html = html_of(browser().get("/campagnes/"))
    assert 'href="/compte/signup/?next=%2Fcampagnes%2F"' in html
    assert 'href="/compte/login/?next=%2Fcampagnes%2F"' in html


def test_on_the_sign_in_page_create_an_account_keeps_where_the_wall_was():
    html = html_of(browser().get("/compte/login/?next=/organisations/nouvelle/"))
    # The header's link and the page's own link both lead back there after signing up.
    assert html.count("/compte/signup/?next=%2Forganisations%2Fnouvelle%2F") == 2


def test_a_login_wall_says_why_an_account_is_needed():
    response = browser().get("/organisations/nouvelle/")
    assert response.status_code == 302
    html = html_of(browser().get(response["Location"]))
    assert (
        "Connectez-vous ou créez un compte pour créer un groupe local : vous en serez la coordination."
        in html
    )


def test_a_page_without_its_own_reason_gets_the_generic_sentence():
    html = html_of(browser().get("/compte/login/?next=/compte/mes-donnees/"))
    assert "Cette page demande un compte." in html


@pytest.mark.parametrize("next_url", ["", "https://evil.example.org/", "//evil.example.org/"])
def test_no_reason_without_a_page_of_this_site(next_url):
    html = html_of(browser().get(f"/compte/login/?next={next_url}"))
    assert 'id="login-reason"' not in html


def test_after_setting_up_two_factor_authentication_continue_leads_back():
    staff = make_staff("staff@example.org", mfa=False)
    client = browser(staff)
    response = client.get("/organisations/a-valider/")
    assert response.status_code == 302
    assert client.session[MFA_NEXT_SESSION_KEY] == "/organisations/a-valider/"
    # Not yet set up: no « Continuer » on the page of the second factor.
    assert "Continuer" not in html_of(client.get("/compte/2fa/"))
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    html = html_of(client.get("/compte/2fa/"))
    assert '<a class="button" href="/organisations/a-valider/">Continuer</a>' in html


def test_a_next_given_to_the_set_up_page_is_remembered_unless_foreign():
    staff = make_staff("staff@example.org", mfa=False)
    client = browser(staff)
    client.get("/compte/2fa/totp/activate/?next=/campagnes/")
    assert client.session[MFA_NEXT_SESSION_KEY] == "/campagnes/"
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.get("/compte/2fa/totp/activate/?next=https://evil.example.org/")
    assert 'href="https://evil.example.org/"' not in html_of(client.get("/compte/2fa/"))
