"""Signed bulletins: online, on paper, by a council deliberation; their withdrawal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commitments import services as commitments_services
from commitments.models import Commitment

from ..models import SignatureInvitation
from .campaigns import target_refresh
from .common import CampaignsError, _named_by_content, commitments_refusals
from .invitations import _managers_emails, invitation_get
from .mandates import _bulletin, _mandates_apply

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date, datetime

    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User
    from frameworks.models import Framework, Item, Level

    from ..models import CandidateList, Target

    # An item chosen on a bulletin: the item, its ambition level (if any) and a comment.
    Choice = tuple[Item, Level | None, str]


def adopted_on_check(adopted_on: date) -> None:
    """A deliberation is adopted today or earlier."""
    if adopted_on > timezone.localdate():
        raise CampaignsError(_("The date cannot be in the future."), field="adopted_on")


def _commitment_create(
    *,
    target: Target,
    framework: Framework,
    choices: Sequence[Choice],
    channel: str,
    candidate_list: CandidateList | None = None,
    **fields: str | date | datetime | User | None,
) -> Commitment:
    """The bulletin (commitments.services), then what it changes in the campaign: the
    commune's commitment for the mandate, the target's status."""
    with commitments_refusals():
        commitment = commitments_services.commitment_create(
            target=target,
            framework=framework,
            choices=choices,
            channel=channel,
            candidate_list=candidate_list,
            **fields,
        )
    # The elected list's bulletin, a deliberation, or the municipality's where its signature
    # is the mandate's, is the commune's commitment for the mandate at once.
    elected = candidate_list is not None and candidate_list.is_elected
    _mandates_apply(
        target.campaign, [_bulletin(commitment, target=target, list_elected=elected)], mandated=()
    )
    target_refresh(target)
    return commitment


@transaction.atomic
def sign_online(
    *,
    token: str,
    choices: Sequence[Choice],
    signatory_name: str,
    signatory_role: str,
    terms_accepted: bool,
    site_url: str = "",
) -> Commitment:
    invitation = invitation_get(token)
    if invitation is None or not invitation.is_usable:
        raise CampaignsError(_("This link is invalid, expired or already used."))
    invitation = SignatureInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise CampaignsError(_("This link is invalid, expired or already used."))
    campaign = invitation.target.campaign
    if not campaign.is_open or not campaign.frameworks.filter(pk=invitation.framework_id).exists():
        raise CampaignsError(_("This campaign is closed: the bulletin can no longer be signed online."))
    if not terms_accepted:
        raise CampaignsError(_("Accept the publication terms to sign."))
    commitment = _commitment_create(
        target=invitation.target,
        framework=invitation.framework,
        candidate_list=invitation.candidate_list,
        choices=choices,
        channel=Commitment.Channel.ONLINE,
        signatory_name=" ".join(signatory_name.split()),
        signatory_role=" ".join(signatory_role.split()),
        signed_on=timezone.localdate(),
        terms_accepted_at=timezone.now(),
    )
    invitation.used_at = timezone.now()
    invitation.commitment = commitment
    invitation.save(update_fields=["used_at", "commitment"])
    from ..tasks import send_signature_confirmation

    email, managers = invitation.email, [m.user.pk for m in _managers_emails(invitation.target)]
    transaction.on_commit(
        lambda: send_signature_confirmation.enqueue(
            commitment_id=commitment.pk, email=email, manager_ids=managers, site_url=site_url
        )
    )
    return commitment


@transaction.atomic
def paper_record(
    *,
    target: Target,
    framework: Framework,
    choices: Sequence[Choice],
    signatory_name: str,
    signatory_role: str,
    signed_on: date,
    scan: UploadedFile | None = None,
    candidate_list: CandidateList | None = None,
    user: User | None = None,
) -> Commitment:
    if not target.campaign.frameworks.filter(pk=framework.pk).exists():
        raise CampaignsError(_("This framework is not proposed by the campaign."))
    if candidate_list is not None and candidate_list.target_id != target.pk:
        raise CampaignsError(_("This list is not one of this commune's."))
    if target.campaign.kind_spec.has_lists and candidate_list is None:
        raise CampaignsError(_("Choose the list that signed."))
    commitment = _commitment_create(
        target=target,
        framework=framework,
        candidate_list=candidate_list,
        choices=choices,
        channel=Commitment.Channel.PAPER,
        signatory_name=signatory_name,
        signatory_role=signatory_role,
        signed_on=signed_on,
        created_by=user,
    )
    if scan:
        commitment.scan = _named_by_content(scan, "bulletin")
        commitment.save(update_fields=["scan"])
    return commitment


@transaction.atomic
def deliberation_record(
    *,
    target: Target,
    framework: Framework,
    choices: Sequence[Choice],
    reference: str,
    adopted_on: date,
    file: UploadedFile | None = None,
    user: User | None = None,
    signatory_name: str = "",
    signatory_role: str = "",
) -> Commitment:
    """The municipality commits directly by a council deliberation: a commitment for the mandate."""
    if not target.campaign.frameworks.filter(pk=framework.pk).exists():
        raise CampaignsError(_("This framework is not proposed by the campaign."))
    reference = " ".join(reference.split())
    if not reference:
        raise CampaignsError(_("Give the deliberation's reference."))
    adopted_on_check(adopted_on)
    commitment = _commitment_create(
        target=target,
        framework=framework,
        choices=choices,
        channel=Commitment.Channel.DELIBERATION,
        signatory_name=signatory_name
        or _("Municipal council of %(commune)s") % {"commune": target.commune.display_name},
        signatory_role=signatory_role or _("council deliberation"),
        signed_on=adopted_on,
        deliberation_reference=reference,
        created_by=user,
    )
    if file:
        commitment.deliberation_file = _named_by_content(file, "deliberation")
        commitment.save(update_fields=["deliberation_file"])
    return commitment


@transaction.atomic
def commitment_withdraw(*, commitment: Commitment, reason: str = "") -> Commitment:
    """Withdraw a bulletin (commitments.services), then refresh its target's status."""
    with commitments_refusals():
        commitment = commitments_services.commitment_withdraw(commitment=commitment, reason=reason)
    target_refresh(commitment.target)
    return commitment
