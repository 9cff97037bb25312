"""Data and logged-in clients for the permission matrix.

`world` builds, for every test, the same small cast of organisations and people:

- the partner network "egm" (created by actors' data migration);
- G, a validated local group of Saint-Denis (93066) declaring "egm", with a
  coordinator and a member;
- H, another validated local group (L'Abergement-Clémenciat, 01001), with its
  coordinator;
- P, a pending local group of Saint-Denis declaring "egm" (its coordinator is
  nobody of the matrix's roles); P2, a pending group declaring no network;
- verified municipal contacts of 93066 and of 01001;
- a coordinator of "egm" (partner coordinator) and a platform staff member,
  both with a TOTP authenticator, as accounts.middleware.RequireMfaMiddleware
  demands;
- the open election campaign "Municipales 2026", organised by "egm" and
  proposing the Pacte framework, where G took on Saint-Denis (the target). The
  target has two candidate lists: `candidate_list`, with a pending signature
  invitation (`invitation`, its link's token `invitation_token`), and
  `signed_list`, which signed a paper bulletin (`commitment`, whose withdrawal
  link's token is `withdraw_token`); and a step of its log (`step`).

Roles: anonymous, plain_user, member, coordinator, other_coordinator,
municipal_contact, other_municipal_contact, partner_coordinator, staff.
`login_as(role)` returns a django test Client logged in as that role's user
(anonymous: a fresh client).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from actors.models import Membership, MunicipalContact, Organization
from campaigns import services as campaigns
from campaigns.models import Campaign, CandidateList, SignatureInvitation, Step, Target
from commitments.models import Commitment
from core.tokens import new_token
from frameworks.models import Framework
from territories.models import Commune
from tests.support import make_group

PASSWORD = "matrice-mot-de-passe"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploads (an import's checked file, scans) go to a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the cache: start every cell with none."""
    cache.clear()
    yield
    cache.clear()


def make_user(email, *, mfa=False, **fields):
    """A user with a verified primary email address (and TOTP when asked)."""
    user = get_user_model().objects.create_user(email, password=PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if mfa:
        TOTP.activate(user, generate_totp_secret())
    return user


def add_member(user, organization, role=Membership.Role.MEMBER):
    return Membership.objects.create(user=user, organization=organization, role=role)


def make_verified_contact(user, commune):
    return MunicipalContact.objects.create(
        user=user,
        commune=commune,
        role=MunicipalContact.Role.COUNCIL,
        position="Maire adjointe",
        status=MunicipalContact.Status.VERIFIED,
        method=MunicipalContact.Method.TOWN_HALL_EMAIL,
        verified_at=timezone.now(),
    )


@dataclass
class World:
    """Everything a row may refer to. `extra` holds what a row's `setup` adds."""

    saint_denis: Commune
    abergement: Commune
    partner: Organization
    group: Organization
    other_group: Organization
    pending: Organization
    pending_elsewhere: Organization
    member_membership: Membership
    users: dict
    framework: Framework
    campaign: Campaign
    target: Target
    candidate_list: CandidateList
    signed_list: CandidateList
    step: Step
    invitation: SignatureInvitation
    invitation_token: str
    commitment: Commitment
    withdraw_token: str
    extra: dict = field(default_factory=dict)
    password: str = PASSWORD

    def user(self, role):
        """The user playing `role` (None for anonymous)."""
        return self.users.get(role)

    # Factories for the rows' `setup`, which cannot import this module.
    make_user = staticmethod(make_user)
    add_member = staticmethod(add_member)


@pytest.fixture
def world(db):
    saint_denis = Commune.objects.get(code="93066")
    abergement = Commune.objects.get(code="01001")
    users = {
        "plain_user": make_user("plain@example.org"),
        "member": make_user("member@example.org"),
        "coordinator": make_user("coordinator@example.org"),
        "other_coordinator": make_user("other-coordinator@example.org"),
        "municipal_contact": make_user("mairie-93066@example.org"),
        "other_municipal_contact": make_user("mairie-01001@example.org"),
        "partner_coordinator": make_user("egm@example.org", mfa=True),
        "staff": make_user("staff@example.org", mfa=True, is_staff=True),
    }
    pending_coordinator = make_user("pending-coordinator@example.org")

    partner = Organization.objects.get(slug="egm", kind=Organization.Kind.PARTNER)  # a data migration's
    add_member(users["partner_coordinator"], partner, Membership.Role.COORDINATOR)

    group = make_group(
        "Accueil Saint-Denis",
        slug="groupe-g",
        commune=saint_denis,
        networks=[partner],
        created_by=users["coordinator"],
    )
    add_member(users["coordinator"], group, Membership.Role.COORDINATOR)
    member_membership = add_member(users["member"], group)

    other_group = make_group(
        "Accueil Abergement", slug="groupe-h", commune=abergement, created_by=users["other_coordinator"]
    )
    add_member(users["other_coordinator"], other_group, Membership.Role.COORDINATOR)

    pending = make_group(
        "Collectif en attente",
        slug="groupe-p",
        commune=saint_denis,
        status=Organization.Status.PENDING,
        networks=[partner],
        created_by=pending_coordinator,
    )
    add_member(pending_coordinator, pending, Membership.Role.COORDINATOR)
    pending_elsewhere = make_group(
        "Collectif hors réseau",
        slug="groupe-p2",
        commune=saint_denis,
        status=Organization.Status.PENDING,
        created_by=pending_coordinator,
    )
    add_member(pending_coordinator, pending_elsewhere, Membership.Role.COORDINATOR)

    make_verified_contact(users["municipal_contact"], saint_denis)
    make_verified_contact(users["other_municipal_contact"], abergement)

    campaign_data = build_campaign(users, partner=partner, group=group, commune=saint_denis)

    return World(
        saint_denis=saint_denis,
        abergement=abergement,
        partner=partner,
        group=group,
        other_group=other_group,
        pending=pending,
        pending_elsewhere=pending_elsewhere,
        member_membership=member_membership,
        users=users,
        **campaign_data,
    )


def build_campaign(users, *, partner, group, commune):
    """The campaign of the matrix, built as the application builds it."""
    framework = Framework.objects.get(slug="pacte-pour-la-transition", is_current=True)
    campaign = campaigns.campaign_create(
        user=users["partner_coordinator"],
        title="Municipales 2026",
        kind=Campaign.Kind.ELECTION,
        frameworks=[framework],
        organizers=[partner],
        first_round=date(2026, 3, 15),
    )
    target = campaigns.target_take_on(
        campaign=campaign, commune=commune, group=group, user=users["coordinator"]
    )
    candidate_list = campaigns.list_add(
        target=target, name="Saint-Denis Ensemble", head_name="Marie Curie", email="tete@example.org"
    )
    signed_list = campaigns.list_add(target=target, name="Saint-Denis en commun", head_name="Louise Michel")
    step = campaigns.step_add(
        target=target,
        kind=Step.Kind.LETTER,
        date=timezone.localdate() - timedelta(days=3),
        candidate_list=candidate_list,
        user=users["coordinator"],
    )
    invitation, invitation_token = campaigns.invitation_send(
        target=target,
        framework=framework,
        candidate_list=candidate_list,
        email="tete@example.org",
        sent_by=users["coordinator"],
    )
    item = framework.items.order_by("position").first()
    commitment = campaigns.paper_record(
        target=target,
        framework=framework,
        choices=[(item, None, "")],
        candidate_list=signed_list,
        signatory_name="Louise Michel",
        signatory_role="tête de liste",
        signed_on=timezone.localdate() - timedelta(days=2),
        user=users["coordinator"],
    )
    # The withdrawal link, as campaigns.tasks.send_signature_confirmation makes it.
    withdraw_token, hashed = new_token()
    Commitment.objects.filter(pk=commitment.pk).update(withdraw_token_hash=hashed)
    return {
        "framework": framework,
        "campaign": campaign,
        "target": target,
        "candidate_list": candidate_list,
        "signed_list": signed_list,
        "step": step,
        "invitation": invitation,
        "invitation_token": invitation_token,
        "commitment": commitment,
        "withdraw_token": withdraw_token,
    }


@pytest.fixture
def login_as(world):
    """Factory: a test Client logged in as the user playing `role`."""

    def client_for(role):
        assert role == "anonymous" or role in world.users, f"unknown role {role}"
        client = Client()
        user = world.user(role)
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return client_for
