"""The commune's commitments for the mandate that bulletins and election results call
for: planned by commitments.domain.mandate_plan with the campaign's years and kind,
written by commitments.services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from commitments import domain
from commitments import services as commitments_services
from commitments.models import Commitment

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable

    from ..models import Campaign, Target


def _bulletin(commitment: Commitment, *, target: Target, list_elected: bool = False) -> domain.Bulletin:
    """A commitment as commitments.domain sees it."""
    return domain.Bulletin(
        commitment_id=commitment.pk,
        commune_id=target.commune_id,
        list_id=commitment.candidate_list_id,
        list_elected=list_elected,
        by_deliberation=commitment.channel == Commitment.Channel.DELIBERATION,
        active=commitment.withdrawn_at is None,
    )


def _mandates_apply(
    campaign: Campaign, bulletins: Iterable[domain.Bulletin], *, mandated: Collection[int]
) -> domain.MandatePlan:
    """Create and delete the rows for the mandate that commitments.domain.mandate_plan
    calls for (one history record each)."""
    plan = domain.mandate_plan(
        bulletins,
        mandated=mandated,
        campaign_id=campaign.pk,
        years=(campaign.mandate_start, campaign.mandate_end),
        signature_is_mandate=campaign.kind_spec.signature_is_mandate,
    )
    commitments_services.mandate_plan_write(plan)
    return plan
