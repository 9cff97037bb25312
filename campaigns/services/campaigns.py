"""Writes of campaigns and their targets: a campaign, a commune taken on by a group,
a target's public status."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Organization
from actors.queries import group_covers
from commitments import domain
from commitments.models import Commitment, MandateCommitment
from core.concurrency import claim
from core.slugs import unique_slug

from ..kinds import kind_of
from ..models import Campaign, SignatureInvitation, Step, Target, default_letter
from .common import CampaignsError
from .letters import letter_check

if TYPE_CHECKING:
    from collections.abc import Collection
    from datetime import date

    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from accounts.models import User
    from frameworks.models import Framework
    from territories.models import Commune


# A new campaign's mandate, unless it says otherwise: the model's defaults.
MANDATE_START = Campaign._meta.get_field("mandate_start").default
MANDATE_END = Campaign._meta.get_field("mandate_end").default


def _check_campaign(
    *,
    frameworks: Collection[Framework],
    organizers: Collection[Organization],
    first_round: date | None,
    second_round: date | None,
    mandate_start: int,
    mandate_end: int,
) -> None:
    """Every problem at once, each on its field (the form shows them together)."""
    problems: list[tuple[str | None, str]] = []
    if not frameworks:
        problems.append((None, _("Propose at least one framework.")))
    if not organizers:
        problems.append((None, _("Name at least one organising partner.")))
    if first_round and second_round and second_round <= first_round:
        problems.append(("second_round", _("The second round comes after the first.")))
    if mandate_end <= mandate_start:
        problems.append(("mandate_end", _("The mandate ends after it starts.")))
    if problems:
        raise CampaignsError.gathered(problems)


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
    mandate_start: int = MANDATE_START,
    mandate_end: int = MANDATE_END,
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
    version: int | None = None,
) -> Campaign:
    """A campaign's edit, unless it changed since `version` (ConcurrentEdit)."""
    claim(campaign, version)
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


# Targets -------------------------------------------------------------------------


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


def target_refresh(target: Target) -> str:
    """Derive the public status of a target from its bulletins, its lists and its log
    (commitments.domain.target_status, which the spreadsheet import applies too)."""
    lists = dict(target.lists.values_list("pk", "is_elected"))
    elected_id = next((pk for pk, is_elected in lists.items() if is_elected), None)
    commitments = list(target.commitments.values_list("pk", "candidate_list_id", "channel", "withdrawn_at"))
    steps = list(target.steps.values_list("kind", "candidate_list_id"))
    status = domain.target_status(
        bulletins=[
            domain.Bulletin(
                commitment_id=pk,
                commune_id=target.commune_id,
                list_id=list_id,
                list_elected=list_id is not None and list_id == elected_id,
                by_deliberation=channel == Commitment.Channel.DELIBERATION,
                active=withdrawn_at is None,
            )
            for pk, list_id, channel, withdrawn_at in commitments
        ],
        signature_is_mandate=target.campaign.kind_spec.signature_is_mandate,
        refused_by={list_id for kind, list_id in steps if kind == Step.Kind.REFUSAL},
        list_ids=set(lists),
        elected_list_id=elected_id,
        interpellated=bool(steps or commitments) or target.invitations.exists(),
    )
    if status != target.status:
        target.status = status
        target.save(update_fields=["status"])
    return status
