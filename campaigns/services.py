"""Writes of campaigns: campaigns, targets, lists, the interpellation log, letters,
signature invitations, signed commitments, withdrawals and election results.

Each function checks what it must, writes in one transaction, and either returns its
result or raises CampaignsError with a message for people.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from actors.models import Membership, Organization
from actors.queries import group_covers
from commitments import domain
from commitments.models import Commitment, CommitmentItem, MandateCommitment
from core.emails import email_send
from core.slugs import unique_slug
from core.tokens import new_token, token_hash
from core.uploads import EXTENSIONS, sniff

from .kinds import kind_of
from .models import (
    LETTER_FIELDS,
    Campaign,
    CandidateList,
    ImportJob,
    SignatureInvitation,
    Step,
    Target,
    default_letter,
)

if TYPE_CHECKING:
    from datetime import date, datetime

    from django.contrib.auth.models import AnonymousUser
    from django.core.files.uploadedfile import UploadedFile
    from django.db.models import QuerySet

    from accounts.models import User
    from frameworks.models import Framework, Item, Level
    from territories.models import Commune

    from .imports import ImportReport

    # An item chosen on a bulletin: the item, its ambition level (if any) and a comment.
    Choice = tuple[Item, Level | None, str]

logger = logging.getLogger(__name__)


class CampaignsError(Exception):
    """A refused action; the message is shown to the user as is."""


def _named_by_content(upload: UploadedFile, stem: str) -> UploadedFile:
    """Name an (already validated) upload by its content's type, whatever its own name."""
    position = upload.tell()
    upload.seek(0)
    mime = sniff(upload.read(16))
    upload.seek(position)
    upload.name = stem + EXTENSIONS.get(mime, "")
    return upload


# Campaigns ------------------------------------------------------------------------


def _check_campaign(
    *,
    frameworks: Collection[Framework],
    organizers: Collection[Organization],
    first_round: date | None,
    second_round: date | None,
    mandate_start: int,
    mandate_end: int,
) -> None:
    if not frameworks:
        raise CampaignsError(_("Propose at least one framework."))
    if not organizers:
        raise CampaignsError(_("Name at least one organising partner."))
    if first_round and second_round and second_round <= first_round:
        raise CampaignsError(_("The second round comes after the first."))
    if mandate_end <= mandate_start:
        raise CampaignsError(_("The mandate ends after it starts."))


@transaction.atomic
def campaign_create(
    *,
    user: User | None,
    title: str,
    kind: str,
    frameworks: Collection[Framework],
    organizers: Collection[Organization],
    description: str = "",
    first_round: date | None = None,
    second_round: date | None = None,
    mandate_start: int = 2026,
    mandate_end: int = 2032,
    is_open: bool = True,
    letter_template: str | None = None,
) -> Campaign:
    _check_campaign(
        frameworks=frameworks,
        organizers=organizers,
        first_round=first_round,
        second_round=second_round,
        mandate_start=mandate_start,
        mandate_end=mandate_end,
    )
    campaign = Campaign(
        title=title.strip(),
        slug=unique_slug(Campaign, title, fallback="campagne"),
        kind=kind,
        description=description,
        first_round=first_round,
        second_round=second_round if kind_of(kind).has_rounds else None,
        mandate_start=mandate_start,
        mandate_end=mandate_end,
        is_open=is_open,
        created_by=user,
    )
    if letter_template:
        campaign.letter_template = letter_template
    letter_check(campaign.letter_template)
    campaign.save()
    campaign.frameworks.set(frameworks)
    campaign.organizers.set(organizers)
    return campaign


@transaction.atomic
def campaign_update(
    *,
    campaign: Campaign,
    title: str,
    description: str,
    frameworks: Collection[Framework],
    organizers: Collection[Organization],
    first_round: date | None,
    second_round: date | None,
    mandate_start: int,
    mandate_end: int,
    is_open: bool,
    letter_template: str,
) -> Campaign:
    _check_campaign(
        frameworks=frameworks,
        organizers=organizers,
        first_round=first_round,
        second_round=second_round,
        mandate_start=mandate_start,
        mandate_end=mandate_end,
    )
    letter_check(letter_template)
    used = set(
        Commitment.objects.filter(target__campaign=campaign).values_list("framework_id", flat=True).distinct()
    )
    removed = used - {framework.pk for framework in frameworks}
    if removed:
        raise CampaignsError(_("A framework that already has signatures in this campaign cannot be removed."))
    campaign.title = title.strip()
    campaign.description = description
    campaign.first_round = first_round
    campaign.second_round = second_round if campaign.kind_spec.has_rounds else None
    campaign.mandate_start, campaign.mandate_end = mandate_start, mandate_end
    closing = campaign.is_open and not is_open
    campaign.is_open = is_open
    campaign.letter_template = letter_template
    campaign.save()
    if closing:
        SignatureInvitation.objects.filter(
            target__campaign=campaign, used_at__isnull=True, cancelled_at__isnull=True
        ).update(cancelled_at=timezone.now())
    campaign.frameworks.set(frameworks)
    campaign.organizers.set(organizers)
    MandateCommitment.objects.filter(campaign=campaign).update(start_year=mandate_start, end_year=mandate_end)
    return campaign


def default_letter_text() -> str:
    return default_letter()


# Targets and lists ----------------------------------------------------------------


def user_groups(user: User | AnonymousUser) -> QuerySet[Organization]:
    """The validated local groups the user belongs to (those that can take on a commune)."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return (
        Organization.objects.public()
        .filter(kind=Organization.Kind.LOCAL_GROUP, memberships__user=user)
        .order_by("name")
    )


@transaction.atomic
def target_take_on(
    *, campaign: Campaign, commune: Commune, group: Organization | None, user: User | None
) -> Target:
    if not campaign.is_open:
        raise CampaignsError(_("This campaign is closed."))
    if not commune.is_active or commune.kind != commune.Kind.COMMUNE:
        raise CampaignsError(_("Choose a current commune (not an arrondissement)."))
    existing = Target.objects.filter(campaign=campaign, commune=commune).select_related("group").first()
    if existing:
        if existing.group and existing.group != group:
            raise CampaignsError(
                _("%(group)s already follows this commune in this campaign: contact them to work together.")
                % {"group": existing.group.name}
            )
        if existing.group is None and group is not None:
            if not group_covers(group, commune):
                raise CampaignsError(
                    _(
                        "This commune is already followed in this campaign, and %(group)s does not act "
                        "for it: ask the campaign's coordinators."
                    )
                    % {"group": group.name}
                )
            existing.group = group
            existing.save(update_fields=["group"])
        return existing
    try:
        with transaction.atomic():
            return Target.objects.create(campaign=campaign, commune=commune, group=group, created_by=user)
    except IntegrityError:
        raise CampaignsError(_("Someone took this commune on at the same moment: reload the page.")) from None


def _clean_list_fields(name: str, head_name: str) -> tuple[str, str]:
    name, head_name = " ".join(name.split()), " ".join(head_name.split())
    if not name or not head_name:
        raise CampaignsError(_("Give the list's name and its head of list."))
    return name, head_name


def _check_list_name(target: Target, name: str, exclude: int | None = None) -> None:
    """Names compare without case, accented letters included (SQLite's iexact only folds ASCII)."""
    wanted = name.casefold()
    others = target.lists.exclude(pk=exclude).values_list("name", flat=True)
    if any(other.casefold() == wanted for other in others):
        raise CampaignsError(_("This commune already has a list with this name."))


@transaction.atomic
def list_add(
    *, target: Target, name: str, head_name: str, email: str = "", political_label: str = ""
) -> CandidateList:
    kind = target.campaign.kind_spec
    if not kind.has_lists:
        raise CampaignsError(str(kind.lists_refused))
    name, head_name = _clean_list_fields(name, head_name)
    _check_list_name(target, name)
    try:
        with transaction.atomic():
            candidate_list = CandidateList.objects.create(
                target=target,
                name=name,
                head_name=head_name,
                email=email.strip(),
                political_label=political_label.strip(),
            )
    except IntegrityError:
        raise CampaignsError(_("This commune already has a list with this name.")) from None
    target_refresh(target)
    return candidate_list


@transaction.atomic
def list_update(
    *, candidate_list: CandidateList, name: str, head_name: str, email: str = "", political_label: str = ""
) -> CandidateList:
    name, head_name = _clean_list_fields(name, head_name)
    _check_list_name(candidate_list.target, name, exclude=candidate_list.pk)
    candidate_list.name, candidate_list.head_name = name, head_name
    candidate_list.email, candidate_list.political_label = email.strip(), political_label.strip()
    candidate_list.save()
    return candidate_list


@transaction.atomic
def list_delete(*, candidate_list: CandidateList) -> None:
    if candidate_list.commitments.exists():
        raise CampaignsError(_("This list has signed a bulletin: it stays on record (it can withdraw)."))
    target = candidate_list.target
    candidate_list.delete()
    target_refresh(target)


# The interpellation log and the public status --------------------------------------


def target_refresh(target: Target) -> str:
    """Derive the public status of a target from its commitments and its log
    (commitments.domain.target_status; an active commitment decides alone)."""
    if target.commitments.filter(withdrawn_at__isnull=True).exists():
        status = domain.target_status(active_commitment=True)
    else:
        steps = list(target.steps.values_list("kind", "candidate_list_id"))
        status = domain.target_status(
            active_commitment=False,
            refused_by={list_id for kind, list_id in steps if kind == Step.Kind.REFUSAL},
            list_ids=set(target.lists.values_list("pk", flat=True)),
            interpellated=bool(steps) or target.invitations.exists() or target.commitments.exists(),
        )
    if status != target.status:
        target.status = status
        target.save(update_fields=["status"])
    return status


@transaction.atomic
def step_add(
    *,
    target: Target,
    kind: str,
    date: date,
    notes: str = "",
    candidate_list: CandidateList | None = None,
    user: User | None = None,
) -> Step:
    if candidate_list is not None and candidate_list.target_id != target.pk:
        raise CampaignsError(_("This list is not one of this commune's."))
    if date > timezone.localdate():
        raise CampaignsError(_("A step of the log cannot be in the future."))
    step = Step.objects.create(
        target=target,
        kind=kind,
        date=date,
        notes=notes.strip(),
        candidate_list=candidate_list,
        created_by=user,
    )
    target_refresh(target)
    return step


@transaction.atomic
def step_delete(*, step: Step) -> None:
    target = step.target
    step.delete()
    target_refresh(target)


# Letters --------------------------------------------------------------------------

FIELD_PATTERN = re.compile(r"\{([a-z_]+)\}")


def letter_check(template: str) -> None:
    unknown = sorted({name for name in FIELD_PATTERN.findall(template) if name not in LETTER_FIELDS})
    if unknown:
        raise CampaignsError(
            _("Unknown fields in the letter template: %(fields)s. Known fields: %(known)s.")
            % {
                "fields": ", ".join("{%s}" % name for name in unknown),
                "known": ", ".join("{%s}" % name for name in LETTER_FIELDS),
            }
        )


def letter_text(
    *, target: Target, framework: Framework, candidate_list: CandidateList | None = None, site_url: str = ""
) -> str:
    """The campaign's letter for a list (or the municipality), fields replaced."""
    commune = target.commune
    if candidate_list is not None:
        recipient = _("%(head)s, head of the list “%(list)s”") % {
            "head": candidate_list.head_name,
            "list": candidate_list.name,
        }
    else:
        recipient = _("Madam Mayor or Sir Mayor of %(commune)s") % {"commune": commune.display_name}
    values = {
        "commune": commune.display_name,
        "adresse_mairie": commune.town_hall_address
        or _("Town hall of %(commune)s") % {"commune": commune.display_name},
        "destinataire": recipient,
        "liste": candidate_list.name if candidate_list else "",
        "groupe": target.group.name if target.group else _("the organisers of the campaign"),
        "campagne": target.campaign.title,
        "referentiel": framework.title,
        "resume": framework.description,
        "lien_referentiel": site_url + framework.get_absolute_url(),
        "date": formats.date_format(timezone.localdate(), "DATE_FORMAT"),
    }
    return FIELD_PATTERN.sub(
        lambda match: str(values.get(match.group(1), match.group(0))), target.campaign.letter_template
    )


# Signature invitations and signatures ----------------------------------------------


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


def _check_choices(framework: Framework, choices: Sequence[Choice]) -> None:
    """choices: [(item, level or None, comment)] — items of the framework, levels of their item."""
    if not choices:
        raise CampaignsError(_("Choose at least one item."))
    seen = set()
    for item, level, comment in choices:
        if item.framework_id != framework.pk:
            raise CampaignsError(_("This item is not part of the framework."))
        if item.pk in seen:
            raise CampaignsError(_("An item is chosen twice."))
        seen.add(item.pk)
        if level is not None and level.item_id != item.pk:
            raise CampaignsError(_("This ambition level does not belong to the item."))
        if len(comment) > 1000:
            raise CampaignsError(_("A comment is limited to 1000 characters."))


def _commitment_create(
    *,
    target: Target,
    framework: Framework,
    choices: Sequence[Choice],
    channel: str,
    candidate_list: CandidateList | None = None,
    **fields: str | date | datetime | User | None,
) -> Commitment:
    _check_choices(framework, choices)
    if not fields.get("signatory_name", "").strip() or not fields.get("signatory_role", "").strip():
        raise CampaignsError(_("Give the signatory's name and role."))
    if fields["signed_on"] > timezone.localdate():
        raise CampaignsError(_("The date of signature cannot be in the future."))
    if target.commitments.filter(
        candidate_list=candidate_list, framework=framework, withdrawn_at__isnull=True
    ).exists():
        raise CampaignsError(_("This signatory has already signed this framework in this campaign."))
    try:
        with transaction.atomic():
            commitment = Commitment.objects.create(
                target=target, framework=framework, channel=channel, candidate_list=candidate_list, **fields
            )
    except IntegrityError:
        raise CampaignsError(
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
    from .tasks import send_signature_confirmation

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


def withdraw_get(token: str) -> Commitment | None:
    if not token:
        return None
    return (
        Commitment.objects.filter(withdraw_token_hash=token_hash(token), withdrawn_at__isnull=True)
        .select_related("target__campaign", "target__commune", "framework", "candidate_list")
        .first()
    )


@transaction.atomic
def commitment_withdraw(*, commitment: Commitment, reason: str = "") -> Commitment:
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.withdrawn_at is not None:
        raise CampaignsError(_("This commitment is already withdrawn."))
    commitment.withdrawn_at = timezone.now()
    commitment.withdrawal_reason = " ".join(reason.split())[:500]
    commitment.withdraw_token_hash = ""
    commitment.save(update_fields=["withdrawn_at", "withdrawal_reason", "withdraw_token_hash"])
    target = commitment.target
    # A withdrawn bulletin is no commitment for the mandate: its row, if any, goes.
    _mandates_apply(target.campaign, [_bulletin(commitment, target=target)], mandated=(commitment.pk,))
    target_refresh(target)
    return commitment


# Election results -----------------------------------------------------------------


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
    return plan


def _of_list(commitment: Commitment, list_id: int | None) -> bool:
    return list_id is not None and commitment.candidate_list_id == list_id


def _list_state(candidate_list: CandidateList) -> domain.ListState:
    return domain.ListState(
        head_name=candidate_list.head_name,
        email=candidate_list.email,
        political_label=candidate_list.political_label,
        is_elected=candidate_list.is_elected,
    )


def _list_apply(candidate_list: CandidateList, changes: dict[str, object]) -> None:
    for name, value in changes.items():
        setattr(candidate_list, name, value)
    if changes:
        candidate_list.save(update_fields=list(changes))


@transaction.atomic
def mark_elected(*, target: Target, candidate_list: CandidateList | None) -> int:
    """The elected list: its signed commitments become the commune's for the mandate.
    Marking another list corrects a mistake; `None` clears the result."""
    kind = target.campaign.kind_spec
    if not kind.records_result:
        raise CampaignsError(str(kind.result_refused))
    if candidate_list is not None and candidate_list.target_id != target.pk:
        raise CampaignsError(_("This list is not one of this commune's."))
    elected_id = candidate_list.pk if candidate_list is not None else None
    for other in target.lists.filter(is_elected=True).exclude(pk=elected_id):
        _list_apply(
            other, domain.list_change(_list_state(other), _list_state(other)._replace(is_elected=False))
        )
    if candidate_list is not None:
        current = _list_state(candidate_list)
        _list_apply(candidate_list, domain.list_change(current, current._replace(is_elected=True)))
    # The election result moves the commune's commitments for the mandate: every bulletin
    # of the commune is planned again (a withdrawn one is never the mandate's).
    commitments = list(target.commitments.all())
    _mandates_apply(
        target.campaign,
        [
            _bulletin(commitment, target=target, list_elected=_of_list(commitment, elected_id))
            for commitment in commitments
        ],
        mandated=set(
            MandateCommitment.objects.filter(commitment__target=target).values_list(
                "commitment_id", flat=True
            )
        ),
    )
    return sum(1 for commitment in commitments if commitment.is_active and _of_list(commitment, elected_id))


# Spreadsheet imports -----------------------------------------------------------------


def import_job_check(
    *, campaign: Campaign, user: User, upload: UploadedFile
) -> tuple[ImportReport, ImportJob | None]:
    """Dry run of a spreadsheet. When it has no error, the file is kept as a job that
    `import_job_queue` hands to the task worker. Raises imports.ImportFileError."""
    from . import imports

    report = imports.import_check(upload, campaign=campaign)
    if not report.ok:
        return report, None
    with transaction.atomic():
        # This user's earlier checked files for the campaign were never applied: forget them.
        for old in ImportJob.objects.filter(
            campaign=campaign, created_by=user, status=ImportJob.Status.CHECKED
        ):
            old.file.delete(save=False)
            old.delete()
        upload.seek(0)
        job = ImportJob(
            campaign=campaign,
            created_by=user,
            filename=upload.name[-200:],
            row_count=len(report.rows),
            counts=dict(report.counts),
        )
        job.file.save(upload.name, upload, save=False)
        job.save()
    return report, job


@transaction.atomic
def import_job_queue(*, job: ImportJob) -> ImportJob:
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.CHECKED:
        raise CampaignsError(_("This import was already applied or refused."))
    job.status = ImportJob.Status.QUEUED
    job.save(update_fields=["status"])
    from .tasks import apply_import

    transaction.on_commit(lambda: apply_import.enqueue(job_id=job.pk))
    return job


def import_job_run(job_id: int) -> ImportJob | None:
    """Apply a queued import (run by the task worker): everything or nothing."""
    from django.core.files import File

    from . import imports

    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(of=("self",))
            .select_related("campaign", "created_by")
            .filter(pk=job_id, status=ImportJob.Status.QUEUED)
            .first()
        )
        if job is None:
            return None
        job.status = ImportJob.Status.RUNNING
        job.save(update_fields=["status"])
    try:
        with job.file.storage.open(job.file.name, "rb") as handle:
            report = imports.import_apply(
                File(handle, name=job.filename), campaign=job.campaign, user=job.created_by
            )
    except imports.ImportRefused as refused:
        job.status = ImportJob.Status.FAILED
        job.message = str(refused)
        job.counts = dict(refused.report.counts)
        job.errors = [
            [row.line, column, message] for row in refused.report.errors for column, message in row.errors
        ][:200]
    except (imports.ImportFileError, OSError) as error:
        job.status = ImportJob.Status.FAILED
        job.message = str(error)
    except Exception:
        # Nothing was written (one transaction); say so rather than leave the job running.
        logger.exception("Import job %s failed", job.pk)
        job.status = ImportJob.Status.FAILED
        job.message = _(
            "The import failed unexpectedly: nothing was written. Try again, or tell the platform team."
        )
    else:
        job.status = ImportJob.Status.DONE
        job.counts = dict(report.counts)
    job.file.delete(save=False)
    job.finished_at = timezone.now()
    job.save()
    return job
