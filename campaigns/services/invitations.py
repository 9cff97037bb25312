"""Signature invitations: a single-use link emailed to a signatory."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Membership
from core.emails import email_send
from core.tokens import new_token, token_hash

from ..models import SignatureInvitation, Step
from .campaigns import target_refresh
from .common import CampaignsError

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User
    from frameworks.models import Framework

    from ..models import CandidateList, Target


def _managers_emails(target: Target) -> QuerySet[Membership]:
    """Who hears about a target: the coordinators of its group (or of the organisers)."""
    organizations = [target.group] if target.group else list(target.campaign.organizers.all())
    return Membership.objects.filter(
        organization__in=organizations, role=Membership.Role.COORDINATOR
    ).select_related("user")


def _check_invitation(target: Target, framework: Framework, candidate_list: CandidateList | None) -> None:
    campaign = target.campaign
    if not campaign.is_open:
        raise CampaignsError(_("This campaign is closed."))
    if not campaign.frameworks.filter(pk=framework.pk).exists():
        raise CampaignsError(_("This framework is not proposed by the campaign."))
    if candidate_list is not None and candidate_list.target_id != target.pk:
        raise CampaignsError(_("This list is not one of this commune's."))
    if campaign.kind_spec.has_lists and candidate_list is None:
        raise CampaignsError(_("Choose the list whose head will sign."))
    if target.commitments.filter(
        candidate_list=candidate_list, framework=framework, withdrawn_at__isnull=True
    ).exists():
        raise CampaignsError(_("This bulletin is already signed."))


def _invitation_email_send(invitation: SignatureInvitation, *, token: str, site_url: str) -> None:
    """Email the link once the transaction commits."""
    target = invitation.target
    url = site_url + reverse("campaigns:sign", args=[token])
    transaction.on_commit(
        lambda: email_send(
            template="campaigns/emails/signature_invitation",
            to=invitation.email,
            context={
                "target": target,
                "campaign": target.campaign,
                "framework": invitation.framework,
                "candidate_list": invitation.candidate_list,
                "group": target.group,
                "url": url,
                "days": SignatureInvitation.VALIDITY_DAYS,
            },
        )
    )


@transaction.atomic
def invitation_send(
    *,
    target: Target,
    framework: Framework,
    email: str,
    sent_by: User | None,
    candidate_list: CandidateList | None = None,
    site_url: str = "",
) -> tuple[SignatureInvitation, str]:
    _check_invitation(target, framework, candidate_list)
    now = timezone.now()
    # A new invitation replaces the pending ones for the same signatory and framework.
    target.invitations.filter(
        candidate_list=candidate_list, framework=framework, used_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=now)
    token, hashed = new_token()
    invitation = SignatureInvitation.objects.create(
        target=target,
        candidate_list=candidate_list,
        framework=framework,
        email=email.strip(),
        token_hash=hashed,
        sent_by=sent_by,
        expires_at=now + timedelta(days=SignatureInvitation.VALIDITY_DAYS),
    )
    Step.objects.create(
        target=target,
        candidate_list=candidate_list,
        kind=Step.Kind.EMAIL,
        date=timezone.localdate(),
        notes=_("Signature invitation sent to %(email)s.") % {"email": invitation.email},
        created_by=sent_by,
    )
    target_refresh(target)
    _invitation_email_send(invitation, token=token, site_url=site_url)
    return invitation, token


def invitation_get(token: str) -> SignatureInvitation | None:
    """The invitation of this token, or None (the hash is looked up, never the token)."""
    return (
        SignatureInvitation.objects.filter(token_hash=token_hash(token))
        .select_related("target__campaign", "target__commune", "target__group", "candidate_list", "framework")
        .first()
    )


@transaction.atomic
def invitation_cancel(*, invitation: SignatureInvitation) -> None:
    if invitation.used_at is None and invitation.cancelled_at is None:
        invitation.cancelled_at = timezone.now()
        invitation.save(update_fields=["cancelled_at"])
