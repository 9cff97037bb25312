"""The cast of the tests of declared commitments: Saint-Denis (93066), its verified
municipal contact, a member of a validated local group of Saint-Denis, a partner
coordinator, and people who may neither declare nor confirm there (the contact of
another commune, a member of another commune's group, a member of a pending group)."""

import pytest

from actors.models import Organization
from tests.support import make_group, make_partner_coordinator, make_user

from .declarations_helpers import member_of, verified_contact


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def group(db):
    return make_group("Accueil Saint-Denis", coordinator=make_user("fondatrice@example.org"))


@pytest.fixture
def member(group):
    return member_of(group, "awa@example.org", display_name="Awa")


@pytest.fixture
def mayor(db):
    return verified_contact(
        make_user("adjointe@saint-denis.example.org", display_name="Nadia Adjointe"), "93066"
    )


@pytest.fixture
def other_mayor(db):
    return verified_contact(make_user("maire@abergement.example.org"), "01001")


@pytest.fixture
def other_member(db):
    other = make_group("Accueil Abergement", commune="01001", coordinator=make_user("h@example.org"))
    return member_of(other, "loin@example.org")


@pytest.fixture
def pending_member(db):
    pending = make_group(
        "Collectif en attente", status=Organization.Status.PENDING, coordinator=make_user("p@example.org")
    )
    return member_of(pending, "attente@example.org")


@pytest.fixture
def coordinator(db):
    return make_partner_coordinator("egm@example.org", display_name="Coordination EGM")


@pytest.fixture
def egm(db):
    return Organization.objects.get(slug="egm")
