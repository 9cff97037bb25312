"""Writes of commitments: a signed bulletin with its items, its withdrawal, and the rows of
the commune's commitments for the mandate that commitments.domain plans.

What a bulletin is signed in (a campaign's target, its candidate list) belongs to an
upper app: the caller passes those rows in, this module never imports campaigns. The
campaign's part of a signature (the invitation, the target's status, the mandate's
years) is campaigns.services'.

Each function checks what it must, writes in one transaction, and either returns its
result or raises CommitmentsError with a message for people.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.tokens import token_hash

from .models import Commitment, CommitmentItem, MandateCommitment
from .signals import deliberation_recorded

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date, datetime

    from django.db.models import Model

    from accounts.models import User
    from frameworks.models import Framework, Item, Level

    from . import domain

    # An item chosen on a bulletin: the item, its ambition level (if any) and a comment.
    Choice = tuple[Item, Level | None, str]

COMMENT_MAX_LENGTH = CommitmentItem._meta.get_field("comment").max_length
WITHDRAWAL_REASON_MAX_LENGTH = Commitment._meta.get_field("withdrawal_reason").max_length


class CommitmentsError(Exception):
    """A refused write; the message is shown to the user as is. `field` names the form
    field it is about, if any; `field_errors` is what core.actions.perform reads."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.field_errors: dict[str | None, list[str]] = {field: [message]}


def choices_check(framework: Framework, choices: Sequence[Choice]) -> None:
    """choices: [(item, level or None, comment)] — items of the framework, levels of their item."""
    if not choices:
        raise CommitmentsError(_("Choose at least one item."))
    seen = set()
    for item, level, comment in choices:
        if item.framework_id != framework.pk:
            raise CommitmentsError(_("This item is not part of the framework."))
        if item.pk in seen:
            raise CommitmentsError(_("An item is chosen twice."))
        seen.add(item.pk)
        if level is not None and level.item_id != item.pk:
            raise CommitmentsError(_("This ambition level does not belong to the item."))
        if len(comment) > COMMENT_MAX_LENGTH:
            raise CommitmentsError(
                _("A comment is limited to 1000 characters.")  # COMMENT_MAX_LENGTH
            )


def signed_on_check(signed_on: date, *, field: str = "signed_on") -> None:
    """A bulletin is signed today or earlier."""
    if signed_on > timezone.localdate():
        raise CommitmentsError(_("The date of signature cannot be in the future."), field=field)


@transaction.atomic
def commitment_create(
    *,
    target: Model,
    framework: Framework,
    choices: Sequence[Choice],
    channel: str,
    candidate_list: Model | None = None,
    **fields: str | date | datetime | User | None,
) -> Commitment:
    """A signed bulletin of `target` (a campaigns.Target) and its items, each with its
    history. One active bulletin per signatory (`candidate_list`, None for the
    municipality) and framework."""
    choices_check(framework, choices)
    if not fields.get("signatory_name", "").strip() or not fields.get("signatory_role", "").strip():
        raise CommitmentsError(_("Give the signatory's name and role."))
    signed_on_check(fields["signed_on"])
    active = Commitment.objects.filter(
        target=target, candidate_list=candidate_list, framework=framework, withdrawn_at__isnull=True
    )
    if active.exists():
        raise CommitmentsError(_("This signatory has already signed this framework in this campaign."))
    try:
        with transaction.atomic():
            commitment = Commitment.objects.create(
                target=target, framework=framework, channel=channel, candidate_list=candidate_list, **fields
            )
    except IntegrityError:
        raise CommitmentsError(
            _("This signatory has already signed this framework in this campaign.")
        ) from None
    bulk_create_with_history(
        [
            CommitmentItem(commitment=commitment, item=item, level=level, comment=comment.strip())
            for item, level, comment in choices
        ],
        CommitmentItem,
        default_user=fields.get("created_by"),
    )
    if channel == Commitment.Channel.DELIBERATION:
        user = fields.get("created_by")
        transaction.on_commit(
            lambda: deliberation_recorded.send(sender=Commitment, commitment=commitment, user=user)
        )
    return commitment


def withdraw_get(token: str) -> Commitment | None:
    """The active commitment of this withdrawal token, or None (the hash is looked up)."""
    if not token:
        return None
    return (
        Commitment.objects.filter(withdraw_token_hash=token_hash(token), withdrawn_at__isnull=True)
        .select_related("target__campaign", "target__commune", "framework", "candidate_list")
        .first()
    )


@transaction.atomic
def commitment_withdraw(*, commitment: Commitment, reason: str = "") -> Commitment:
    """Withdraw a bulletin (its link can no longer withdraw it). A withdrawn bulletin is no
    commitment for the mandate (commitments.domain.is_for_the_mandate): its row, if any, goes."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.withdrawn_at is not None:
        raise CommitmentsError(_("This commitment is already withdrawn."))
    commitment.withdrawn_at = timezone.now()
    commitment.withdrawal_reason = " ".join(reason.split())[:WITHDRAWAL_REASON_MAX_LENGTH]
    commitment.withdraw_token_hash = ""
    commitment.save(update_fields=["withdrawn_at", "withdrawal_reason", "withdraw_token_hash"])
    MandateCommitment.objects.filter(commitment=commitment).delete()
    return commitment


@transaction.atomic
def mandate_plan_write(plan: domain.MandatePlan) -> None:
    """Create and delete the rows for the mandate of a plan (commitments.domain.mandate_plan),
    one history record each."""
    if plan.delete:
        MandateCommitment.objects.filter(commitment_id__in=plan.delete).delete()
    for row in plan.create:
        MandateCommitment.objects.get_or_create(
            commitment_id=row.commitment_id,
            defaults={
                "commune_id": row.commune_id,
                "campaign_id": row.campaign_id,
                "start_year": row.start_year,
                "end_year": row.end_year,
            },
        )
