"""Helpers shared by the test suites: users with verified emails, TOTP, roles."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import generate_totp_secret
from allauth.mfa.utils import encrypt
from django.contrib.messages import get_messages
from django.test import Client

PASSWORD = "Correct-Horse-Battery-42"


def make_user(email, *, verified=True, **fields):
    """A user whose email address is verified (allauth requires it to log in)."""
    from accounts.models import User

    user = User.objects.create_user(email=email, password=PASSWORD, **fields)
    if verified:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def enable_totp(user):
    """Give the user a TOTP authenticator, as staff and partner coordinators must have."""
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(generate_totp_secret())}
    )
    return user


def make_partner_coordinator(email, *, partner="egm", mfa=True, **fields):
    """A coordinator of a national partner (created by the actors migrations)."""
    from actors.models import Membership, Organization

    user = make_user(email, **fields)
    Membership.objects.create(
        user=user, organization=Organization.objects.get(slug=partner), role=Membership.Role.COORDINATOR
    )
    if mfa:
        enable_totp(user)
    return user


def browser(user=None):
    """A test client, logged in as user when given."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]
