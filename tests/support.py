"""Helpers shared by the test suites (every app's tests, the browser tests, the benches): users with verified emails, TOTP, roles, groups."""

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


def make_group(
    name="Accueil Saint-Denis",
    *,
    commune="93066",
    slug=None,
    coordinator=None,
    created_by=None,
    status="validated",
    networks=(),
):
    """A local group of a commune (code or Commune). `coordinator` gets the coordinator
    membership and is its creator unless `created_by` says otherwise."""
    from django.utils import timezone
    from django.utils.text import slugify

    from actors.models import Membership, Organization
    from territories.models import Commune

    if not isinstance(commune, Commune):
        commune = Commune.objects.get(code=commune)
    organization = Organization.objects.create(
        name=name,
        slug=slug or slugify(name),
        kind=Organization.Kind.LOCAL_GROUP,
        group_type=Organization.GroupType.OTHER,
        scale=Organization.Scale.COMMUNE,
        commune=commune,
        status=status,
        validated_at=timezone.now() if status == Organization.Status.VALIDATED else None,
        created_by=created_by or coordinator,
    )
    organization.networks.set(networks)
    if coordinator is not None:
        Membership.objects.create(
            user=coordinator, organization=organization, role=Membership.Role.COORDINATOR
        )
    return organization
