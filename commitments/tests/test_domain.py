"""The rules of commitments, as pure functions (no database)."""

import pytest

from campaigns.models import Target
from commitments import domain
from commitments.domain import Bulletin, ListState, MandateRow

YEARS = (2026, 2032)


# A target's public status -------------------------------------------------------------


def test_the_status_values_are_those_of_the_target_model():
    statuses = {
        domain.NOT_INTERPELLATED,
        domain.INTERPELLATED,
        domain.LIST_SIGNED,
        domain.COMMITTED,
        domain.REFUSED,
    }
    assert statuses == set(Target.Status.values)


def status(*bulletins, signature_is_mandate=False, **facts):
    return domain.target_status(bulletins=bulletins, signature_is_mandate=signature_is_mandate, **facts)


ELECTED_SIGNED = Bulletin(1, 10, list_id=5, list_elected=True)
BEATEN_SIGNED = Bulletin(2, 10, list_id=6)
MUNICIPALITY_SIGNED = Bulletin(3, 10)
DELIBERATION = Bulletin(4, 10, by_deliberation=True)


def test_nothing_done_is_not_interpellated():
    assert status(list_ids={1, 2}) == domain.NOT_INTERPELLATED


def test_anything_done_is_interpellated():
    assert status(interpellated=True) == domain.INTERPELLATED


@pytest.mark.parametrize(
    ("bulletin", "signature_is_mandate", "expected"),
    [
        (ELECTED_SIGNED, False, domain.COMMITTED),  # the elected list's bulletin
        (BEATEN_SIGNED, False, domain.LIST_SIGNED),  # a list not (yet) elected
        (DELIBERATION, False, domain.COMMITTED),  # a council deliberation, in any kind
        (MUNICIPALITY_SIGNED, True, domain.COMMITTED),  # mid-mandate: the municipality's
        (ELECTED_SIGNED._replace(active=False), False, domain.INTERPELLATED),  # withdrawn
    ],
)
def test_a_bulletin_commits_the_commune_only_when_it_counts_for_the_mandate(
    bulletin, signature_is_mandate, expected
):
    assert (
        status(bulletin, signature_is_mandate=signature_is_mandate, list_ids={5, 6}, interpellated=True)
        == expected
    )


def test_the_election_result_turns_a_list_signed_into_committed_or_leaves_it():
    before = status(Bulletin(1, 10, list_id=5), list_ids={5, 6}, interpellated=True)
    assert before == domain.LIST_SIGNED
    elected = status(ELECTED_SIGNED, list_ids={5, 6}, elected_list_id=5, interpellated=True)
    assert elected == domain.COMMITTED
    beaten = status(Bulletin(1, 10, list_id=5), list_ids={5, 6}, elected_list_id=6, interpellated=True)
    assert beaten == domain.LIST_SIGNED


@pytest.mark.parametrize(
    ("refused_by", "list_ids", "elected", "expected"),
    [
        ({None}, {1, 2}, None, domain.REFUSED),  # the municipality refused
        ({1, 2}, {1, 2}, None, domain.REFUSED),  # every list refused
        ({1}, set(), None, domain.REFUSED),  # a refusal, and no list
        ({1}, {1, 2}, None, domain.INTERPELLATED),  # one list of two, before the result
        ({1}, {1, 2}, 1, domain.REFUSED),  # the elected list refused
        ({1}, {1, 2}, 2, domain.INTERPELLATED),  # a beaten list refused
    ],
)
def test_refusals(refused_by, list_ids, elected, expected):
    assert status(refused_by=refused_by, list_ids=list_ids, elected_list_id=elected) == expected


@pytest.mark.parametrize(
    ("refused_by", "elected", "expected"),
    [
        ({6}, None, domain.LIST_SIGNED),  # another list refused: the signature shows
        ({5, 6}, None, domain.LIST_SIGNED),  # it refused, then signed: it changed its mind
        ({6}, 6, domain.REFUSED),  # the elected list refused: the commune's answer
        ({None}, None, domain.REFUSED),  # the municipality refused
    ],
)
def test_a_list_signed_and_refusals(refused_by, elected, expected):
    signed = Bulletin(1, 10, list_id=5)
    assert status(signed, refused_by=refused_by, list_ids={5, 6}, elected_list_id=elected) == expected


def test_a_bulletin_for_the_mandate_decides_over_any_refusal():
    assert (
        status(DELIBERATION, refused_by={None, 5, 6}, list_ids={5, 6}, elected_list_id=6) == domain.COMMITTED
    )
    assert status(MUNICIPALITY_SIGNED, signature_is_mandate=True, refused_by={None}) == domain.COMMITTED


# Commitments for the mandate -------------------------------------------------------------


@pytest.mark.parametrize(
    ("bulletin", "signature_is_mandate", "expected"),
    [
        (Bulletin(1, 10, list_id=5, list_elected=True), False, True),
        (Bulletin(1, 10, list_id=5, list_elected=False), False, False),
        (Bulletin(1, 10, list_id=5, list_elected=True, active=False), False, False),
        (Bulletin(1, 10, by_deliberation=True), False, True),
        (Bulletin(1, 10), False, False),  # the municipality's, in an election
        (Bulletin(1, 10), True, True),  # the municipality's, where its signature is the mandate's
    ],
)
def test_is_for_the_mandate(bulletin, signature_is_mandate, expected):
    assert domain.is_for_the_mandate(bulletin, signature_is_mandate=signature_is_mandate) is expected


def test_the_plan_creates_what_is_missing_and_deletes_what_no_longer_holds():
    bulletins = [
        Bulletin(1, 10, list_id=5, list_elected=True),  # elected, no row yet
        Bulletin(2, 10, list_id=6, list_elected=False),  # beaten, has a row
        Bulletin(3, 10, list_id=5, list_elected=True),  # elected, has its row
        Bulletin(1, 10, list_id=5, list_elected=True),  # given twice
    ]
    plan = domain.mandate_plan(
        bulletins, mandated={2, 3}, campaign_id=7, years=YEARS, signature_is_mandate=False
    )
    assert plan.create == (MandateRow(1, 10, 7, 2026, 2032),)
    assert plan.delete == (2,)


def test_an_empty_plan_is_false():
    plan = domain.mandate_plan([], mandated={1}, campaign_id=7, years=YEARS, signature_is_mandate=False)
    assert not plan


# Candidate lists --------------------------------------------------------------------------

RECORDED = ListState(
    head_name="Camille Martin", email="c@example.org", political_label="DVG", is_elected=True
)


def test_a_change_lists_the_fields_that_change():
    wanted = ListState(head_name="Camille Martin", email="", political_label="DVG", is_elected=False)
    assert domain.list_change(RECORDED, wanted) == {"email": "", "is_elected": False}


def test_a_file_completes_a_list_and_never_unelects_it():
    wanted = ListState(head_name="Camille Martin-Durand", email="", political_label="", is_elected=False)
    assert domain.list_change(RECORDED, wanted, completes=True) == {"head_name": "Camille Martin-Durand"}


def test_no_change_is_empty():
    assert domain.list_change(RECORDED, RECORDED) == {}
