"""A refusal from the signature link: the head of list (or the municipality) answers
"I do not commit". The refusal is a public step of the log; the link is spent; the
group's coordinators are told by email, as they are of a signature."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.emails import email_send

from ..models import SignatureInvitation, Step
from .campaigns import target_refresh
from .common import CampaignsError
from .invitations import _managers_emails, invitation_get
from .steps import public_reason_clean


def _usable_invitation(token: str) -> SignatureInvitation:
    """The invitation of the token, locked, while its link can still be used."""
    invitation = invitation_get(token)
    if invitation is not None and invitation.is_usable:
        invitation = (
            SignatureInvitation.objects.select_for_update(of=("self",))
            .select_related("target__campaign", "target__commune", "candidate_list", "framework")
            .get(pk=invitation.pk)
        )
    if invitation is None or not invitation.is_usable:
        raise CampaignsError(_("This link is invalid, expired or already used."))
    return invitation


def _refusal_notify(step: Step, invitation: SignatureInvitation, *, site_url: str) -> None:
    """Tell the group's coordinators once the transaction commits (in their language)."""
    target = invitation.target
    context = {
        "step": step,
        "target": target,
        "framework": invitation.framework,
        "candidate_list": invitation.candidate_list,
        "email": invitation.email,
        "url": site_url + target.get_absolute_url(),
    }
    users = [membership.user for membership in _managers_emails(target) if membership.user.is_active]

    def send() -> None:
        for user in users:
            email_send(template="campaigns/emails/refusal_notification", to=user, context=context)

    transaction.on_commit(send)


@transaction.atomic
def decline_online(*, token: str, reason: str = "", site_url: str = "") -> Step:
    """Record the refusal of the invitation's list (or of the municipality) with its public
    reason, spend the link, tell the group; the commune's status follows."""
    invitation = _usable_invitation(token)
    target = invitation.target
    if not target.campaign.is_open:
        raise CampaignsError(_("This campaign is closed."))
    now = timezone.now()
    step = Step.objects.create(
        target=target,
        candidate_list=invitation.candidate_list,
        kind=Step.Kind.REFUSAL,
        date=timezone.localdate(),
        notes=_("Declined from the signature link sent to %(email)s.") % {"email": invitation.email},
        public_reason=public_reason_clean(reason),
    )
    invitation.declined_at = now
    invitation.save(update_fields=["declined_at"])
    target_refresh(target)
    _refusal_notify(step, invitation, site_url=site_url)
    return step
