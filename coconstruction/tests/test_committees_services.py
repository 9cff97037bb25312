"""The committee's services: creation, requests to take part and their answers, leaving
and removing (the committee keeps a decider), the purpose's edit, the emails."""

import pytest
from django.core import mail

from actors.models import Membership, MunicipalContact
from coconstruction.models import Committee, CommitteeMember, CommitteeOrganization, Participation
from coconstruction.services import committee_emails
from coconstruction.services import committees as services
from coconstruction.services.committees import CommitteesError
from core.concurrency import ConcurrentEdit
from followup.tests.conftest import member_of, verified_contact
from tests.support import make_group, make_partner_coordinator, make_user

from .conftest import make_committee

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a service as a request would: its emails leave once its transaction commits."""

    def call(service):
        with django_capture_on_commit_callbacks(execute=True):
            return service()

    return call


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_verified_contact_creates_the_committee_and_takes_part_for_the_municipality(saint_denis, mayor):
    committee, created = services.committee_create(
        commune=saint_denis, user=mayor, description="Suivre le **Pacte**"
    )
    assert created and committee.created_by == mayor
    [member] = committee.members.all()
    assert (member.user, member.organization, member.status) == (mayor, None, Participation.ACCEPTED)
    assert not committee.organizations.exists()
    assert committee.history.get().history_user_id == mayor.pk


def test_a_coordinator_creates_it_with_their_group(saint_denis, coordinator, group):
    committee, created = services.committee_create(
        commune=saint_denis, user=coordinator, description="", organizations=[group]
    )
    assert created
    assert list(committee.organizations.values_list("organization", "status")) == [(group.pk, "accepted")]
    assert committee.members.get().organization == group


def test_a_coordinator_must_bring_their_group(saint_denis, coordinator, group):
    with pytest.raises(CommitteesError, match="groupe local"):
        services.committee_create(commune=saint_denis, user=coordinator, description="")
    assert not Committee.objects.exists()


def test_nobody_else_creates_it(saint_denis, passerby, outsider, group):
    for user in (passerby, outsider):
        with pytest.raises(CommitteesError):
            services.committee_create(commune=saint_denis, user=user, description="", organizations=[])
    with pytest.raises(CommitteesError):
        services.committee_create(commune=saint_denis, user=outsider, description="", organizations=[group])
    assert not Committee.objects.exists()


def test_creating_twice_gives_back_the_first(saint_denis, mayor, coordinator, group):
    first, _ = services.committee_create(commune=saint_denis, user=mayor, description="Un")
    again, created = services.committee_create(
        commune=saint_denis, user=coordinator, description="Deux", organizations=[group]
    )
    assert (again, created) == (first, False)
    assert Committee.objects.count() == 1 and first.members.count() == 1


def test_an_organisation_asks_the_deciders_are_told_and_one_accepts(run, committee, mayor, coordinator):
    asso_coordinator = make_user("asso@example.org", display_name="Inès Asso")
    asso = make_group("Solidarité Exilés 93", coordinator=asso_coordinator, slug="solidarite")
    mail.outbox.clear()
    row = run(
        lambda: services.organization_request(committee=committee, organization=asso, user=asso_coordinator)
    )
    assert row.status == Participation.PENDING
    assert recipients() == ["adjointe@saint-denis.example.org", "fatou@example.org"]
    assert "Inès Asso" in mail.outbox[0].body and "Saint-Denis (93)" in mail.outbox[0].subject
    again = services.organization_request(committee=committee, organization=asso, user=asso_coordinator)
    assert again.pk == row.pk and CommitteeOrganization.objects.filter(organization=asso).count() == 1
    mail.outbox.clear()
    run(lambda: services.request_decide(row=row, by=mayor, accept=True))
    assert recipients() == ["asso@example.org"]
    row.refresh_from_db()
    assert (row.status, row.decided_by) == (Participation.ACCEPTED, mayor)
    # Its coordinator takes part for it, and decides.
    assert committee.members.get(user=asso_coordinator).organization == asso
    with pytest.raises(CommitteesError, match="déjà reçu une réponse"):
        services.request_decide(row=row, by=coordinator, accept=False)


def test_only_a_coordinator_of_a_validated_organisation_asks(committee, member, group):
    with pytest.raises(CommitteesError, match="coordinat"):
        services.organization_request(committee=committee, organization=group, user=member)
    pending_coordinator = make_user("p@example.org")
    pending = make_group("En attente", coordinator=pending_coordinator, status="pending", slug="en-attente")
    with pytest.raises(CommitteesError, match="validés"):
        services.organization_request(committee=committee, organization=pending, user=pending_coordinator)


def test_a_decider_brings_their_own_organisation_in_at_once(committee, coordinator):
    other = make_group("Deuxième groupe", slug="deuxieme", coordinator=coordinator)
    row = services.organization_request(committee=committee, organization=other, user=coordinator)
    assert row.status == Participation.ACCEPTED


def test_a_person_asks_in_their_own_name_and_is_refused(run, committee, passerby, coordinator):
    mail.outbox.clear()
    row = run(lambda: services.member_request(committee=committee, user=passerby))
    assert (row.status, row.organization) == (Participation.PENDING, None)
    assert recipients() == ["adjointe@saint-denis.example.org", "fatou@example.org"]
    assert "Léa Passante" in mail.outbox[0].body
    mail.outbox.clear()
    run(lambda: services.request_decide(row=row, by=coordinator, accept=False))
    assert recipients() == ["passant@example.org"]
    assert "refus" in mail.outbox[0].subject
    # Refused, they may ask again.
    assert services.member_request(committee=committee, user=passerby).status == Participation.PENDING


def test_a_person_takes_part_for_a_member_organisation_they_belong_to(committee, group, outsider):
    newcomer = member_of(group, "nouveau@example.org", display_name="Nouveau Venu")
    row = services.member_request(committee=committee, user=newcomer, organization=group)
    assert (row.status, row.organization) == (Participation.PENDING, group)
    with pytest.raises(CommitteesError, match="membre"):
        services.member_request(committee=committee, user=outsider, organization=group)


def test_a_verified_contact_joins_at_once(committee):
    colleague = verified_contact(
        make_user("service@saint-denis.example.org", display_name="Karim Agent"), "93066"
    )
    row = services.member_request(committee=committee, user=colleague)
    assert (row.status, row.organization) == (Participation.ACCEPTED, None)
    with pytest.raises(CommitteesError, match="déjà"):
        services.member_request(committee=committee, user=colleague)


def test_a_member_leaves(committee, member):
    services.member_leave(committee=committee, user=member)
    assert committee.members.get(user=member).status == Participation.LEFT
    with pytest.raises(CommitteesError):
        services.member_leave(committee=committee, user=member)


def test_a_decider_removes_a_member_but_not_a_decider(committee, member, mayor, coordinator):
    row = committee.members.get(user=member)
    services.member_remove(row=row, by=mayor)
    row.refresh_from_db()
    assert row.status == Participation.LEFT
    with pytest.raises(CommitteesError, match="Fatou Diallo"):
        services.member_remove(row=committee.members.get(user=coordinator), by=mayor)


def test_an_organisation_leaves_with_its_people(committee, group, member, coordinator, mayor):
    services.organization_remove(row=committee.organizations.get(organization=group), by=coordinator)
    assert committee.organizations.get(organization=group).status == Participation.LEFT
    assert set(committee.members.filter(status=Participation.ACCEPTED).values_list("user", flat=True)) == {
        mayor.pk
    }


def test_the_committee_keeps_a_decider(saint_denis, group, coordinator):
    committee = make_committee(saint_denis, organizations=[group], members=[(coordinator, group)])
    with pytest.raises(CommitteesError, match="Plus personne ne déciderait"):
        services.organization_remove(row=committee.organizations.get(), by=coordinator)
    verified_contact(make_user("maire@example.org"), "93066")
    services.organization_remove(row=committee.organizations.get(), by=coordinator)


def test_a_decider_adds_an_organisation(committee, mayor):
    partner = make_partner_coordinator("egm-coord@example.org")
    egm = Membership.objects.get(user=partner).organization
    row = services.organization_add(committee=committee, organization=egm, by=mayor)
    assert row.status == Participation.ACCEPTED
    with pytest.raises(CommitteesError, match="déjà"):
        services.organization_add(committee=committee, organization=egm, by=mayor)


def test_deciders_are_contacts_and_coordinators_of_member_organisations(committee, mayor, coordinator):
    MunicipalContact.objects.filter(user=mayor).update(status=MunicipalContact.Status.PENDING)
    assert committee_emails.deciders(committee) == [coordinator]


def test_the_purpose_is_edited_on_its_version(committee, mayor, coordinator):
    services.committee_update(committee=committee, user=mayor, description="Nouveau", version=0)
    stale = Committee.objects.get(pk=committee.pk)
    with pytest.raises(ConcurrentEdit):
        services.committee_update(committee=stale, user=coordinator, description="Autre", version=0)
    committee.refresh_from_db()
    assert (committee.description, committee.version) == ("Nouveau", 1)


def test_members_rows_are_unique(committee, member):
    assert CommitteeMember.objects.filter(committee=committee, user=member).count() == 1
