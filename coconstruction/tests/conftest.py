"""The cast of co-construction's tests: Saint-Denis (93066) committed to items 26, 01 and B
of the Pacte; its committee, whose member organisation is « Accueil Saint-Denis »
(coordinated by Fatou Diallo, with Awa Koné as member) and whose municipality speaks
through Nadia Adjointe (verified contact); and outsiders: a member of another commune's
group, a plain signed-in user, a partner coordinator (moderator)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coconstruction.models import Committee, CommitteeMember, CommitteeOrganization, Meeting, Participation
from followup.tests.conftest import member_of, verified_contact
from followup.tests.helpers import commit, commune
from tests.support import make_group, make_partner_coordinator, make_user


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
def coordinator(db):
    return make_user("fatou@example.org", display_name="Fatou Diallo")


@pytest.fixture
def group(coordinator):
    return make_group("Accueil Saint-Denis", coordinator=coordinator)


@pytest.fixture
def member(group):
    return member_of(group, "awa@example.org", display_name="Awa Koné")


@pytest.fixture
def mayor(db):
    return verified_contact(
        make_user("adjointe@saint-denis.example.org", display_name="Nadia Adjointe"), "93066"
    )


@pytest.fixture
def outsider(db):
    """A member of another commune's local group."""
    other_group = make_group("Accueil Abergement", commune="01001", coordinator=make_user("h@example.org"))
    return member_of(other_group, "loin@example.org", display_name="Paul Loin")


@pytest.fixture
def passerby(db):
    return make_user("passant@example.org", display_name="Léa Passante")


@pytest.fixture
def moderator(db):
    return make_partner_coordinator("coord@egm.example.org", display_name="Claire Coordinatrice")


def make_committee(commune_, *, organizations=(), members=(), created_by=None):
    """A committee with accepted member organisations and people (no service: fixtures only)."""
    committee = Committee.objects.create(commune=commune_, created_by=created_by)
    for organization in organizations:
        CommitteeOrganization.objects.create(
            committee=committee, organization=organization, status=Participation.ACCEPTED
        )
    for user, organization in members:
        CommitteeMember.objects.create(
            committee=committee, user=user, organization=organization, status=Participation.ACCEPTED
        )
    return committee


@pytest.fixture
def committee(saint_denis, group, coordinator, member, mayor):
    return make_committee(
        saint_denis,
        organizations=[group],
        members=[(coordinator, group), (member, group), (mayor, None)],
        created_by=mayor,
    )


def make_meeting(committee=None, *, working_group=None, days=7, hours=2, **fields):
    """A meeting `days` from now at 18:00 Paris time."""
    start = timezone.localtime(timezone.now() + timedelta(days=days)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    fields.setdefault("title", "Comité de suivi")
    return Meeting.objects.create(
        committee=committee,
        working_group=working_group,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        **fields,
    )


@pytest.fixture
def meeting(committee):
    return make_meeting(committee, place="Salle du conseil, hôtel de ville")
