"""The rules of commitments, as pure functions (no database)."""

import pytest

from campaigns.models import Target
from commitments import domain
from commitments.domain import Bulletin, ListState, MandateRow

YEARS = (2026, 2032)


# A target's public status -------------------------------------------------------------


def test_the_status_values_are_those_of_the_target_model():
    statuses = {domain.NOT_INTERPELLATED, domain.INTERPELLATED, domain.COMMITTED, domain.REFUSED}
    assert statuses == set(Target.Status.values)


def test_an_active_commitment_decides_alone():
    assert domain.target_status(active_commitment=True, refused_by={None}) == domain.COMMITTED


def test_nothing_done_is_not_interpellated():
    assert domain.target_status(active_commitment=False, list_ids={1, 2}) == domain.NOT_INTERPELLATED


def test_anything_done_is_interpellated():
    assert domain.target_status(active_commitment=False, interpellated=True) == domain.INTERPELLATED


@pytest.mark.parametrize(
    ("refused_by", "list_ids", "status"),
    [
        ({None}, {1, 2}, domain.REFUSED),  # the municipality refused
        ({1, 2}, {1, 2}, domain.REFUSED),  # every list refused
        ({1}, set(), domain.REFUSED),  # a refusal, and no list
        ({1}, {1, 2}, domain.INTERPELLATED),  # one list of two
    ],
)
def test_refusals(refused_by, list_ids, status):
    assert domain.target_status(active_commitment=False, refused_by=refused_by, list_ids=list_ids) == status


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
