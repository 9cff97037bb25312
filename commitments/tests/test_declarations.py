"""Commitments made elsewhere (commitments.declarations): who may declare them, each check
of a declaration, its confirmation and refusal (by whom), its withdrawal, its history."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from commitments import declarations, declaring
from commitments.declarations import Committer, ProofGiven
from commitments.models import Declaration, DeclarationItem
from commitments.rules import declaring_capacities, following_groups
from tests.support import make_user

from .declarations_helpers import (
    EGM,
    LINK,
    PDF_BYTES,
    commune,
    declare,
    fr,
    item,
    refused,
)

pytestmark = pytest.mark.django_db
COUNCIL, LIST = Declaration.CommittedBy.COUNCIL, Declaration.CommittedBy.LIST
MUNICIPALITY, GROUP, PARTNER = (
    Declaration.Capacity.MUNICIPALITY,
    Declaration.Capacity.LOCAL_GROUP,
    Declaration.Capacity.PARTNER,
)
# A list's commitment the municipality declares waits for a confirmation (its council's does not).
A_LIST = Committer(LIST, "Saint-Denis en commun", "Camille Martin")


# Who declares --------------------------------------------------------------------------


def test_a_member_of_a_following_group_declares_for_their_group(member, group):
    declaration = declare(member, "26", "01")

    assert declaration.status == Declaration.Status.DECLARED
    assert (declaration.declared_as, declaration.declared_for, declaration.declared_by) == (
        GROUP,
        group,
        member,
    )
    assert set(declaration.items.values_list("item__code", flat=True)) == {"26", "01"}
    assert declaration.declarer == "Awa (Accueil Saint-Denis)"
    assert member.has_perm("commitments.declare", commune())


def test_a_verified_municipal_contact_declares_for_the_municipality(mayor):
    declaration = declare(mayor, "26")

    assert (declaration.declared_as, declaration.declared_for) == (MUNICIPALITY, None)
    assert declaration.declarer == f"Nadia Adjointe ({fr('municipality')})"


@pytest.mark.parametrize("who", ["other_mayor", "other_member", "pending_member", "coordinator"])
def test_others_do_not_declare_for_the_commune(request, who):
    user = request.getfixturevalue(who)

    assert not user.has_perm("commitments.declare", commune())
    assert declaring_capacities(user, commune()) == []
    with refused(
        "Only the members of a local group that follows the commune and its verified municipal contacts "
        "declare its commitments."
    ):
        declare(user, "26", capacity=MUNICIPALITY)
    assert not Declaration.objects.exists()


def test_one_declares_only_in_a_capacity_one_holds(member, mayor, group, other_member):
    other_group = other_member.memberships.get().organization
    with refused("Choose in whose name you declare it."):
        declare(member, "26", capacity=MUNICIPALITY)
    with refused("Choose in whose name you declare it."):
        declare(member, "26", capacity=GROUP, organization=other_group)
    with refused("Choose in whose name you declare it."):
        declare(mayor, "26", capacity=GROUP, organization=group)


def test_the_groups_that_follow_a_commune_are_the_followups(member, group, other_member):
    assert following_groups(member, commune()) == [group]
    assert following_groups(other_member, commune()) == []
    assert following_groups(other_member, commune("01001")) != []


# Each check ----------------------------------------------------------------------------


def test_items_must_belong_to_the_framework(mayor):
    with refused("Choose at least one item."):
        declare(mayor)
    with refused("This item is not part of the framework."):
        declare(mayor, choices=[(item("5", EGM), None)])
    with refused("An item is chosen twice."):
        declare(mayor, choices=[(item("26"), None), (item("26"), None)])


def test_a_level_belongs_to_its_item(mayor):
    canteens = item("07")  # the Pacte's item with ambition levels
    level = canteens.levels.order_by("position").last()
    with refused("This ambition level does not belong to the item."):
        declare(mayor, choices=[(item("26"), level)])

    declaration = declare(mayor, choices=[(canteens, level)])

    assert declaration.items.get().level == level


@pytest.mark.parametrize(
    ("committed_on", "message", "params"),
    [
        (None, "Give the date of the commitment.", {}),
        (timezone.localdate() + timedelta(days=1), "The date of the commitment cannot be in the future.", {}),
        (
            date(2024, 12, 31),
            "The date must fall within the mandate %(start)s–%(end)s (or the campaign before it, from %(campaign)s).",
            {"start": 2026, "end": 2032, "campaign": 2025},
        ),
    ],
)
def test_the_date_is_given_past_and_within_the_mandate(mayor, committed_on, message, params):
    with refused(message, **params):
        declare(mayor, "26", committed_on=committed_on)


def test_the_campaign_before_the_mandate_counts():
    years, today = (2026, 2032), date(2026, 6, 1)
    assert declaring.date_problems(date(2025, 11, 3), years=years, today=today) == []
    assert declaring.date_problems(date(2026, 6, 1), years=years, today=today) == []


def test_a_list_has_its_name_and_head_and_a_council_none(mayor):
    with refused("Give the name of the elected list."):
        declare(mayor, "26", committer=Committer(LIST, "", "Camille Martin"))
    with refused("Give the name of the head of list."):
        declare(mayor, "26", committer=Committer(LIST, "Saint-Denis en commun", ""))
    with refused("A council's commitment has no list: leave the list and its head empty."):
        declare(mayor, "26", committer=Committer(COUNCIL, "Saint-Denis en commun", ""))
    with refused("Say who committed: the elected list or the municipal council."):
        declare(mayor, "26", committer=Committer("mayor"))

    declaration = declare(
        mayor, "26", committer=Committer(LIST, "  Saint-Denis   en commun ", "Camille Martin")
    )
    assert (declaration.list_name, declaration.list_key) == ("Saint-Denis en commun", "saint-denis en commun")
    assert "Saint-Denis en commun" in declaration.committer


def test_a_proof_is_required_and_checked(mayor):
    with refused("Give a proof of the commitment: a document, a link or the reference of a deliberation."):
        declare(mayor, "26", proof=ProofGiven())
    with refused("This link is not a web address (http or https)."):
        declare(mayor, "26", proof=ProofGiven(url="javascript:alert(1)"))
    with refused("This type of file is not accepted. Accepted: %(types)s.", types="JPG, PDF, PNG, WEBP"):
        declare(
            mayor, "26", proof=ProofGiven(file=SimpleUploadedFile("preuve.pdf", b"<html>not a pdf</html>"))
        )

    declaration = declare(mayor, "26", proof=ProofGiven(file=SimpleUploadedFile("bulletin.pdf", PDF_BYTES)))
    assert declaration.proof_file.name.startswith("declarations/") and declaration.proof_file.name.endswith(
        ".pdf"
    )
    assert "bulletin" not in declaration.proof_file.name
    assert declaration.proof_file_url.startswith("/fichiers/declarations/")


def test_every_problem_is_told_at_once_on_its_field(mayor):
    with pytest.raises(declarations.DeclarationError) as caught:
        declare(mayor, committed_on=None, committer=Committer(LIST), proof=ProofGiven())

    assert set(caught.value.field_errors) == {"items", "committed_on", "list_name", "head_name", "proof_url"}


def test_one_standing_declaration_per_commune_framework_and_committer(mayor, member):
    declare(mayor, "26")
    with refused(
        "The council's commitment to this framework is already declared for the mandate: see the commune's follow-up."
    ):
        declare(member, "01")

    declare(member, "01", committer=Committer(LIST, "Saint-Denis en commun", "Camille Martin"))
    with refused(
        "This list's commitment to this framework is already declared for the mandate: see the commune's follow-up."
    ):
        declare(mayor, "01", committer=Committer(LIST, "SAINT-DENIS EN COMMUN", "C. Martin"))
    declare(mayor, "5", slug=EGM)  # another framework
    declare(mayor, "26", code="93066", committer=Committer(LIST, "Une autre liste", "Léa Dupont"))
    assert Declaration.objects.count() == 4


def test_a_refused_or_withdrawn_declaration_may_be_declared_again(mayor, member, coordinator, egm):
    first = declare(member, "26")
    declarations.declaration_refuse(
        declaration=first, user=coordinator, capacity=PARTNER, organization=egm, reason="Pas de délibération."
    )
    second = declare(mayor, "26", proof=ProofGiven(url=LINK), committer=A_LIST)
    declarations.declaration_withdraw(declaration=second, user=mayor)

    declare(member, "26", "01")
    assert Declaration.objects.filter(status__in=Declaration.STANDING).count() == 1


# Confirmation, refusal, withdrawal --------------------------------------------------------


def test_a_partner_coordinator_confirms_a_declaration(member, coordinator, egm):
    declaration = declare(member, "26")

    assert coordinator.has_perm("commitments.confirm_declaration", declaration)
    confirmed = declarations.declaration_confirm(
        declaration=declaration, user=coordinator, capacity=PARTNER, organization=egm, note="Vu le PV."
    )

    assert confirmed.status == Declaration.Status.CONFIRMED
    assert (confirmed.decided_by, confirmed.decided_as, confirmed.decided_for) == (coordinator, PARTNER, egm)
    assert confirmed.decided_at is not None and confirmed.reason == "Vu le PV."
    assert confirmed.decider == f"Coordination EGM ({egm.name})"


def test_the_municipality_confirms_what_a_group_declared(member, mayor):
    declaration = declare(member, "26")

    confirmed = declarations.declaration_confirm(declaration=declaration, user=mayor, capacity=MUNICIPALITY)

    assert confirmed.status == Declaration.Status.CONFIRMED and confirmed.decided_as == MUNICIPALITY


def test_the_declarer_never_confirms_their_own(mayor, coordinator, egm):
    declaration = declare(mayor, "26", committer=A_LIST)
    assert not mayor.has_perm("commitments.confirm_declaration", declaration)
    with refused("You declared this commitment: someone else confirms or refuses it."):
        declarations.declaration_confirm(declaration=declaration, user=mayor, capacity=MUNICIPALITY)
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.DECLARED and declaration.decided_by is None


@pytest.mark.parametrize("who", ["other_mayor", "other_member", "member", "pending_member"])
def test_others_neither_confirm_nor_refuse(request, mayor, who):
    declaration = declare(mayor, "26", committer=A_LIST)
    user = request.getfixturevalue(who)

    assert not user.has_perm("commitments.confirm_declaration", declaration)
    assert not user.has_perm("commitments.refuse_declaration", declaration)
    with refused(
        "Only a partner coordinator or a verified municipal contact of the commune confirms or refuses it."
    ):
        declarations.declaration_confirm(declaration=declaration, user=user, capacity=MUNICIPALITY)
    with refused(
        "Only a partner coordinator or a verified municipal contact of the commune confirms or refuses it."
    ):
        declarations.declaration_refuse(
            declaration=declaration, user=user, capacity=MUNICIPALITY, reason="Non."
        )
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.DECLARED


def test_a_refusal_says_why_and_decides_once(member, mayor, coordinator, egm):
    declaration = declare(member, "26")
    with refused("Say why you refuse it: the declarer reads it."):
        declarations.declaration_refuse(
            declaration=declaration, user=mayor, capacity=MUNICIPALITY, reason="  "
        )
    with refused("Choose in whose name you decide."):
        declarations.declaration_refuse(declaration=declaration, user=mayor, capacity=PARTNER, reason="Non.")

    declarations.declaration_refuse(
        declaration=declaration, user=mayor, capacity=MUNICIPALITY, reason="Aucun vote de ce genre."
    )
    declaration.refresh_from_db()
    assert (
        declaration.status == Declaration.Status.REFUSED and declaration.reason == "Aucun vote de ce genre."
    )
    with refused("This declaration no longer waits for a confirmation."):
        declarations.declaration_confirm(
            declaration=declaration, user=coordinator, capacity=PARTNER, organization=egm
        )


def test_the_declarer_withdraws_while_it_waits_and_staff_while_it_stands(member, mayor):
    declaration = declare(member, "26")
    with refused("Only its declarer withdraws a declaration."):
        declarations.declaration_withdraw(declaration=declaration, user=mayor)
    assert member.has_perm("commitments.withdraw_declaration", declaration)

    declarations.declaration_confirm(declaration=declaration, user=mayor, capacity=MUNICIPALITY)
    declaration.refresh_from_db()
    assert not member.has_perm("commitments.withdraw_declaration", declaration)
    with refused("A declaration is withdrawn only while it waits for a confirmation."):
        declarations.declaration_withdraw(declaration=declaration, user=member)

    staff = make_user("equipe@example.org", is_staff=True)
    assert staff.has_perm("commitments.withdraw_declaration", declaration)
    declarations.declaration_withdraw(declaration=declaration, user=staff, reason="Doublon.")
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.WITHDRAWN
    with refused("This declaration is already refused or withdrawn."):
        declarations.declaration_withdraw(declaration=declaration, user=staff)


def test_who_reads_a_declaration_and_its_document(member, mayor, other_mayor, coordinator):
    declaration = declare(member, "26", proof=ProofGiven(file=SimpleUploadedFile("p.pdf", PDF_BYTES)))
    anonymous = AnonymousUser()

    assert anonymous.has_perm("commitments.view_declaration", declaration)
    assert not anonymous.has_perm("commitments.view_declaration_proof", declaration)
    assert other_mayor.has_perm("commitments.view_declaration", declaration)
    assert not other_mayor.has_perm("commitments.view_declaration_proof", declaration)
    assert all(
        user.has_perm("commitments.view_declaration_proof", declaration)
        for user in (member, mayor, coordinator)
    )
    declarations.declaration_refuse(declaration=declaration, user=mayor, capacity=MUNICIPALITY, reason="Non.")
    declaration.refresh_from_db()
    assert not other_mayor.has_perm("commitments.view_declaration", declaration)
    assert member.has_perm("commitments.view_declaration", declaration)
    assert not anonymous.has_perm("commitments.view_declaration", declaration)


# History --------------------------------------------------------------------------------


def test_every_step_is_in_the_history_with_its_author(member, mayor):
    declaration = declare(member, "26", "01")
    declarations.declaration_confirm(declaration=declaration, user=mayor, capacity=MUNICIPALITY)

    records = list(declaration.history.order_by("history_date"))
    assert [(record.history_type, record.status, record.history_user_id) for record in records] == [
        ("+", "declared", member.pk),
        ("~", "confirmed", mayor.pk),
    ]
    items = DeclarationItem.history.filter(declaration_id=declaration.pk)
    assert items.count() == 2 and {record.history_user_id for record in items} == {member.pk}


def test_the_municipality_s_own_council_deliberation_is_confirmed_at_once(
    mayor, member, django_capture_on_commit_callbacks
):
    """The rule of commitments.declarations: the municipality vouches for its own council's act."""
    from commitments.signals import deliberation_recorded

    told = []

    def receiver(sender, **kwargs):
        told.append(kwargs["declaration"])

    deliberation_recorded.connect(receiver, dispatch_uid="test_receiver")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            declaration = declare(mayor, "26")
            by_list = declare(mayor, "01", committer=A_LIST)
            by_group = declare(member, "5", slug="egm-charte-commune-accueillante")
    finally:
        deliberation_recorded.disconnect(dispatch_uid="test_receiver")

    assert declaration.status == Declaration.Status.CONFIRMED
    assert (declaration.decided_by, declaration.decided_as) == (mayor, MUNICIPALITY)
    assert declaration.decider == declaration.declarer
    assert [(r.history_type, r.status) for r in declaration.history.all()] == [("+", "confirmed")]
    assert by_list.awaits_confirmation and by_group.awaits_confirmation
    assert told == [declaration, by_group]  # the council's deliberations, not the list's
