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


def reply_to_of(target: Target, sender: User | None = None) -> list[str]:
    """Where a head of list's answer goes: the group's contact for this commune, else whoever
    sent the email."""
    address = target.contact_email or (sender.email if sender is not None else "")
    return [address] if address else []


def _invitation_email_send(invitation: SignatureInvitation, *, token: str, site_url: str) -> None:
    """Email the link once the transaction commits."""
    target = invitation.target
    url = site_url + reverse("campaigns:sign", args=[token])
    reply_to = reply_to_of(target, invitation.sent_by)
    transaction.on_commit(
        lambda: email_send(
            template="campaigns/emails/signature_invitation",
            to=invitation.email,
            reply_to=reply_to,
            context={
                "target": target,
                "campaign": target.campaign,
                "framework": invitation.framework,
                "candidate_list": invitation.candidate_list,
                "group": target.group,
                "url": url,
                "days": SignatureInvitation.VALIDITY_DAYS,
                "reply_to": reply_to,
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


# The letter kit, emailed: the letter and its bulletins in one PDF, with one signature
# link (and its QR code) per framework the list has not signed yet.


def kit_frameworks(target: Target, candidate_list: CandidateList | None) -> list[Framework]:
    """The campaign's frameworks this list (or the municipality) has not signed yet."""
    signed = target.commitments.filter(candidate_list=candidate_list, withdrawn_at__isnull=True).values(
        "framework_id"
    )
    return list(target.campaign.frameworks.exclude(pk__in=signed).order_by("title"))


@transaction.atomic
def kit_send(
    *,
    target: Target,
    candidate_list: CandidateList | None,
    email: str,
    sent_by: User | None,
    site_url: str = "",
) -> list[SignatureInvitation]:
    """Email the letter kit to a head of list (or the municipality): one invitation per
    framework left to sign, the links made by the task that sends the email (its stored
    arguments never hold them; the invitations' first tokens are thrown away)."""
    if candidate_list is not None and candidate_list.target_id != target.pk:
        raise CampaignsError(_("This list is not one of this commune's."))
    frameworks = kit_frameworks(target, candidate_list)
    if not frameworks:
        raise CampaignsError(
            _("This list has signed every framework of the campaign.")
            if candidate_list is not None
            else _("The municipality has signed every framework of the campaign.")
        )
    for framework in frameworks:
        _check_invitation(target, framework, candidate_list)
    now = timezone.now()
    email = email.strip()
    target.invitations.filter(
        candidate_list=candidate_list,
        framework__in=frameworks,
        used_at__isnull=True,
        cancelled_at__isnull=True,
    ).update(cancelled_at=now)
    invitations = [
        SignatureInvitation.objects.create(
            target=target,
            candidate_list=candidate_list,
            framework=framework,
            email=email,
            token_hash=new_token()[1],
            sent_by=sent_by,
            expires_at=now + timedelta(days=SignatureInvitation.VALIDITY_DAYS),
        )
        for framework in frameworks
    ]
    Step.objects.create(
        target=target,
        candidate_list=candidate_list,
        kind=Step.Kind.EMAIL,
        date=timezone.localdate(),
        notes=_("Letter, bulletins and signature links sent by email to %(email)s.") % {"email": email},
        created_by=sent_by,
    )
    target_refresh(target)
    from ..tasks import send_letter_kit

    ids, reply_to = [invitation.pk for invitation in invitations], reply_to_of(target, sent_by)
    transaction.on_commit(
        lambda: send_letter_kit.enqueue(invitation_ids=ids, reply_to=reply_to, site_url=site_url)
    )
    return invitations


def kit_deliver(*, invitation_ids: list[int], reply_to: list[str], site_url: str) -> int:
    """Run by the task worker: new tokens for the invitations still pending, then the email
    with the letter kit's PDF attached and the links in its body."""
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives
    from django.utils import translation

    from core.emails import render_text

    from .letters import letter_pdf

    invitations = list(
        SignatureInvitation.objects.filter(
            pk__in=invitation_ids, used_at__isnull=True, cancelled_at__isnull=True
        ).select_related(
            "target__campaign", "target__commune__department", "target__group", "candidate_list", "framework"
        )
    )
    if not invitations:
        return 0
    links = {}
    for invitation in invitations:
        token, invitation.token_hash = new_token()
        invitation.save(update_fields=["token_hash"])
        links[invitation.framework_id] = site_url + reverse("campaigns:sign", args=[token])
    first = invitations[0]
    target, candidate_list = first.target, first.candidate_list
    with translation.override(settings.LANGUAGE_CODE):
        pdf = letter_pdf(target=target, candidate_list=candidate_list, site_url=site_url, links=links)
        context = {
            "target": target,
            "campaign": target.campaign,
            "sender": target.group.name if target.group else _("The organisers of the campaign"),
            "candidate_list": candidate_list,
            "links": [(invitation.framework, links[invitation.framework_id]) for invitation in invitations],
            "days": SignatureInvitation.VALIDITY_DAYS,
            "reply_to": reply_to,
        }
        subject = render_text("campaigns/emails/letter_kit_subject.txt", context).strip()
        body = render_text("campaigns/emails/letter_kit_body.txt", context)
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.splitlines()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[first.email],
        reply_to=reply_to,
    )
    message.attach(f"lettre-{target.commune.code}.pdf", pdf, "application/pdf")
    return message.send()
