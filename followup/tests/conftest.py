"""The cast of the follow-up's tests: Saint-Denis (93066) committed to items of the Pacte
by a council deliberation; its verified municipal contact (the municipality's voice); a
member of a validated local group of Saint-Denis (civil society's voice); and people who
have no voice there: the contact of another commune, a member of another commune's group,
a member of a pending group, a partner coordinator."""

import pytest
from django.utils import timezone

from actors.models import Membership, MunicipalContact, Organization
from tests.support import make_group, make_partner_coordinator, make_user

from .helpers import commit, commune


def verified_contact(user, code):
    MunicipalContact.objects.create(
        user=user,
        commune=commune(code),
        role=MunicipalContact.Role.COUNCIL,
        position="Adjointe à la solidarité",
        status=MunicipalContact.Status.VERIFIED,
        method=MunicipalContact.Method.TOWN_HALL_EMAIL,
        verified_at=timezone.now(),
    )
    return user


def member_of(group, email, **fields):
    user = make_user(email, **fields)
    Membership.objects.create(user=user, organization=group, role=Membership.Role.MEMBER)
    return user


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def saint_denis(db):
    return commune("93066")


@pytest.fixture
def committed(saint_denis):
    """Saint-Denis's commitment for the mandate: items 26, 01 and B of the Pacte."""
    return commit("26", "01", "B")


@pytest.fixture
def group(db):
    return make_group("Accueil Saint-Denis", coordinator=make_user("fondatrice@example.org"))


@pytest.fixture
def mayor(db):
    return verified_contact(
        make_user("adjointe@saint-denis.example.org", display_name="Nadia Adjointe"), "93066"
    )


@pytest.fixture
def member(group):
    return member_of(group, "awa@example.org", display_name="Awa")


@pytest.fixture
def other_mayor(db):
    return verified_contact(make_user("maire@abergement.example.org"), "01001")


@pytest.fixture
def other_member(db):
    other_group = make_group("Accueil Abergement", commune="01001", coordinator=make_user("h@example.org"))
    return member_of(other_group, "loin@example.org")


@pytest.fixture
def pending_member(db):
    pending = make_group(
        "Collectif en attente", status=Organization.Status.PENDING, coordinator=make_user("p@example.org")
    )
    return member_of(pending, "attente@example.org")


@pytest.fixture
def moderator(db):
    return make_partner_coordinator("moderation@egm.example.org", display_name="Modération EGM")
