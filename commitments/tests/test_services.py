"""The writes of commitments (commitments.services), called directly: a bulletin and its
items, its withdrawal, the rows for the mandate of a plan. The campaign's part (the
target's status, the mandate of an elected list) is campaigns.services', tested there."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from campaigns.tests.helpers import (
    ANVITA,
    PACTE,
    add_list,
    choices,
    fr,
    framework,
    item,
    make_campaign,
    take_on,
)
from commitments import domain
from commitments.models import Commitment, CommitmentItem, MandateCommitment
from commitments.services import (
    COMMENT_MAX_LENGTH,
    WITHDRAWAL_REASON_MAX_LENGTH,
    CommitmentsError,
    commitment_create,
    commitment_withdraw,
    mandate_plan_write,
    withdraw_get,
)
from core.tokens import new_token
from tests.support import make_partner_coordinator

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return make_partner_coordinator("coord@example.org", partner=PACTE)


@pytest.fixture
def campaign(user):
    return make_campaign(user, frameworks=(PACTE, ANVITA))


@pytest.fixture
def target(campaign, user):
    return take_on(campaign, user=user)


@pytest.fixture
def candidate_list(target):
    return add_list(target)


def sign(target, candidate_list=None, *, codes=("A",), user=None, **fields):
    """A paper bulletin of these items, by the list (or the municipality)."""
    values = {
        "signatory_name": "Marie Curie",
        "signatory_role": "tête de liste",
        "signed_on": timezone.localdate(),
        "created_by": user,
        **fields,
    }
    return commitment_create(
        target=target,
        framework=framework(),
        choices=choices(*codes),
        channel=Commitment.Channel.PAPER,
        candidate_list=candidate_list,
        **values,
    )


def refused(message):
    """pytest.raises for a CommitmentsError carrying exactly this (translated) message."""
    return pytest.raises(CommitmentsError, match="^" + re.escape(fr(message)) + "$")


# A bulletin and its items -----------------------------------------------------------------


def test_a_bulletin_is_written_with_its_items_and_their_history(target, candidate_list, user):
    level = item("07").levels.first()
    commitment = commitment_create(
        target=target,
        framework=framework(),
        choices=[(item("A"), None, "  Dès 2026  "), (item("07"), level, "")],
        channel=Commitment.Channel.PAPER,
        candidate_list=candidate_list,
        signatory_name="Marie Curie",
        signatory_role="tête de liste",
        signed_on=date(2026, 3, 1),
        created_by=user,
    )

    assert commitment.target == target and commitment.candidate_list == candidate_list
    assert commitment.channel == Commitment.Channel.PAPER and commitment.is_active
    rows = {row.item.code: (row.level, row.comment) for row in commitment.items.all()}
    assert rows == {"A": (None, "Dès 2026"), "07": (level, "")}
    records = CommitmentItem.history.filter(commitment_id=commitment.pk)
    assert records.count() == 2
    assert {record.history_type for record in records} == {"+"}
    assert {record.history_user for record in records} == {user}


def test_a_bulletin_is_not_yet_the_mandate_s(target, candidate_list):
    """The commune's commitment for the mandate is the campaign's decision (campaigns.services)."""
    sign(target, candidate_list)

    assert not MandateCommitment.objects.exists()


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        ({"choices": []}, "Choose at least one item."),
        ({"choices": lambda: choices("A", "A")}, "An item is chosen twice."),
        ({"choices": lambda: [(item("1", ANVITA), None, "")]}, "This item is not part of the framework."),
        (
            {"choices": lambda: [(item("A"), item("07").levels.first(), "")]},
            "This ambition level does not belong to the item.",
        ),
        (
            {"choices": lambda: [(item("A"), None, "x" * (COMMENT_MAX_LENGTH + 1))]},
            "A comment is limited to 1000 characters.",
        ),
        ({"signatory_name": "   "}, "Give the signatory's name and role."),
        ({"signatory_role": ""}, "Give the signatory's name and role."),
    ],
)
def test_a_wrong_bulletin_is_refused_and_nothing_written(target, candidate_list, wrong, message):
    wrong = {name: value() if callable(value) else value for name, value in wrong.items()}
    given = wrong.pop("choices", None)
    with refused(message):
        commitment_create(
            target=target,
            framework=framework(),
            choices=choices("A") if given is None else given,
            channel=Commitment.Channel.PAPER,
            candidate_list=candidate_list,
            **{
                "signatory_name": "Marie Curie",
                "signatory_role": "tête",
                "signed_on": timezone.localdate(),
                **wrong,
            },
        )

    assert not Commitment.objects.exists() and not CommitmentItem.objects.exists()


def test_a_date_in_the_future_is_refused_on_its_field(target, candidate_list):
    with refused("The date of signature cannot be in the future.") as raised:
        sign(target, candidate_list, signed_on=timezone.localdate() + timedelta(days=1))

    assert raised.value.field == "signed_on"
    assert raised.value.field_errors == {"signed_on": [fr("The date of signature cannot be in the future.")]}


def test_one_active_bulletin_per_signatory_and_framework(target, candidate_list):
    first = sign(target, candidate_list)
    with refused("This signatory has already signed this framework in this campaign."):
        sign(target, candidate_list, codes=("B",))
    # The municipality (no list) signs apart from the list; a withdrawn bulletin frees the place.
    sign(target, None)
    with refused("This signatory has already signed this framework in this campaign."):
        sign(target, None)
    commitment_withdraw(commitment=first)
    again = sign(target, candidate_list, codes=("B",))

    assert again.is_active and Commitment.objects.filter(withdrawn_at__isnull=True).count() == 2


# Withdrawal -------------------------------------------------------------------------------


def test_a_withdrawal_is_recorded_and_removes_the_row_for_the_mandate(target, candidate_list, campaign):
    commitment = sign(target, candidate_list)
    mandate_plan_write(
        domain.MandatePlan(
            create=(domain.MandateRow(commitment.pk, target.commune_id, campaign.pk, 2026, 2032),)
        )
    )
    _token, hashed = new_token()
    Commitment.objects.filter(pk=commitment.pk).update(withdraw_token_hash=hashed)

    withdrawn = commitment_withdraw(commitment=commitment, reason="  Changement\n de  majorité ")

    withdrawn.refresh_from_db()
    assert withdrawn.withdrawn_at is not None and not withdrawn.is_active
    assert withdrawn.withdrawal_reason == "Changement de majorité"
    assert withdrawn.withdraw_token_hash == ""
    assert not MandateCommitment.objects.exists()
    assert [record.history_type for record in MandateCommitment.history.all()] == ["-", "+"]
    latest = Commitment.history.filter(id=commitment.pk).first()
    assert latest.history_type == "~" and latest.withdrawal_reason == "Changement de majorité"


def test_a_long_reason_is_cut_to_the_field_s_length(target, candidate_list):
    commitment = commitment_withdraw(commitment=sign(target, candidate_list), reason="mot " * 200)

    assert len(commitment.withdrawal_reason) == WITHDRAWAL_REASON_MAX_LENGTH


def test_a_bulletin_is_withdrawn_once(target, candidate_list):
    commitment = commitment_withdraw(commitment=sign(target, candidate_list), reason="une fois")
    with refused("This commitment is already withdrawn."):
        commitment_withdraw(commitment=commitment, reason="deux fois")

    commitment.refresh_from_db()
    assert commitment.withdrawal_reason == "une fois"


def test_the_withdrawal_link_finds_an_active_bulletin_only(target, candidate_list):
    commitment = sign(target, candidate_list)
    token, hashed = new_token()
    Commitment.objects.filter(pk=commitment.pk).update(withdraw_token_hash=hashed)

    assert withdraw_get("") is None
    assert withdraw_get("not-a-token") is None
    assert withdraw_get(token) == commitment
    commitment_withdraw(commitment=commitment)
    assert withdraw_get(token) is None


# Rows for the mandate --------------------------------------------------------------------


def test_a_plan_creates_and_deletes_rows_for_the_mandate_once(target, candidate_list, campaign):
    kept, gone = sign(target, candidate_list), sign(target, None)
    rows = tuple(
        domain.MandateRow(pk, target.commune_id, campaign.pk, 2026, 2032) for pk in (kept.pk, gone.pk)
    )
    mandate_plan_write(domain.MandatePlan(create=rows))
    mandate_plan_write(domain.MandatePlan(create=rows))  # already there: nothing new
    assert MandateCommitment.objects.count() == 2

    mandate_plan_write(domain.MandatePlan(delete=(gone.pk,)))

    assert list(MandateCommitment.objects.values_list("commitment_id", "start_year", "end_year")) == [
        (kept.pk, 2026, 2032)
    ]
    assert MandateCommitment.history.filter(history_type="+").count() == 2
    assert MandateCommitment.history.filter(history_type="-").count() == 1
