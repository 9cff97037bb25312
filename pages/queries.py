"""Reads of « Ma commune »: for each commune a user is a verified municipal contact of, its
campaigns (phase, the commune's status, the frameworks its council may still deliberate
on), its commitments for the mandate (the bulletins for the mandate and the confirmed
declarations, one consolidated list per framework), and what waits for the town hall
(declarations to confirm, signature links sent to the municipality, other people asking
to represent the commune).

A fixed number of queries whatever the number of communes, campaigns and commitments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from actors.models import MunicipalContact
from campaigns.models import CandidateList, SignatureInvitation, Target
from commitments.consolidation import FrameworkCommitments
from commitments.models import Commitment, Declaration
from commitments.queries import communes_commitments
from frameworks.models import Framework

if TYPE_CHECKING:
    from accounts.models import User
    from territories.models import Commune

HEAVY = ("commune__outline", "commune__town_hall_address")


@dataclass
class MyCommune:
    contact: MunicipalContact
    commune: Commune
    targets: list[Target] = field(default_factory=list)
    mandate: tuple[int, int] | None = None
    # commitments.consolidation's blocks of the current mandate, one per framework.
    frameworks: list[FrameworkCommitments] = field(default_factory=list)
    to_confirm: list[Declaration] = field(default_factory=list)
    own_waiting: list[Declaration] = field(default_factory=list)
    invitations: list[SignatureInvitation] = field(default_factory=list)
    pending_contacts: list[MunicipalContact] = field(default_factory=list)

    @property
    def has_requests(self) -> bool:
        return bool(self.to_confirm or self.own_waiting or self.invitations or self.pending_contacts)


def verified_contacts(user: User) -> list[MunicipalContact]:
    """The user's verified municipal contacts, by commune name."""
    return list(
        MunicipalContact.objects.filter(user=user, status=MunicipalContact.Status.VERIFIED)
        .select_related("commune__department")
        .defer(*HEAVY, "commune__department__outline", "commune__department__bbox")
        .order_by("commune__name", "commune__code")
    )


def _targets(commune_ids: list[int]) -> list[Target]:
    """The communes' campaigns, latest first, with their phase's inputs, proposed
    frameworks, and the frameworks the municipality already committed to in them."""
    municipality = Commitment.objects.filter(withdrawn_at__isnull=True, candidate_list__isnull=True)
    targets = list(
        Target.objects.filter(commune_id__in=commune_ids)
        .select_related("campaign", "group")
        .annotate(
            campaign_results=Exists(
                CandidateList.objects.filter(target__campaign=OuterRef("campaign"), is_elected=True)
            )
        )
        .prefetch_related(
            Prefetch("campaign__frameworks", queryset=Framework.objects.order_by("title")),
            Prefetch(
                "commitments", queryset=municipality.only("pk", "target_id", "framework_id"), to_attr="own"
            ),
        )
        .order_by("-campaign__created_at")
    )
    for target in targets:
        target.campaign.results_recorded = target.campaign_results
        signed = {commitment.framework_id for commitment in target.own}
        target.open_frameworks = [f for f in target.campaign.frameworks.all() if f.pk not in signed]
    return targets


def _declarations(commune_ids: list[int]) -> list[Declaration]:
    return list(
        Declaration.objects.filter(commune_id__in=commune_ids, status__in=Declaration.STANDING)
        .select_related("framework", "declared_by", "declared_for", "decided_by", "decided_for")
        .order_by("declared_at", "pk")
    )


def _invitations(commune_ids: list[int]) -> list[SignatureInvitation]:
    """The signature links sent to the municipality (no list) that can still be used."""
    return list(
        SignatureInvitation.objects.filter(
            target__commune_id__in=commune_ids,
            candidate_list__isnull=True,
            used_at__isnull=True,
            cancelled_at__isnull=True,
            declined_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("framework", "target__campaign", "target__group")
        .order_by("created_at")
    )


def _pending_contacts(commune_ids: list[int], user: User) -> list[MunicipalContact]:
    return list(
        MunicipalContact.objects.filter(commune_id__in=commune_ids, status=MunicipalContact.Status.PENDING)
        .exclude(user=user)
        .select_related("user")
        .order_by("requested_at")
    )


def _current_mandate(entry: MyCommune, blocks: list[FrameworkCommitments]) -> None:
    """The commune's commitments for its current mandate: the latest one its blocks are for
    (commitments.consolidation, shared with the commune and item pages)."""
    if not blocks:
        return
    entry.mandate = max((block.start_year, block.end_year) for block in blocks)
    entry.frameworks = [block for block in blocks if (block.start_year, block.end_year) == entry.mandate]


def my_communes(user: User) -> list[MyCommune]:
    """Everything « Ma commune » shows, for each commune the user is a verified contact of
    (an empty list for anyone else)."""
    contacts = verified_contacts(user)
    if not contacts:
        return []
    ids = [contact.commune_id for contact in contacts]
    entries = {contact.commune_id: MyCommune(contact, contact.commune) for contact in contacts}
    for target in _targets(ids):
        entries[target.commune_id].targets.append(target)
    for declaration in _declarations(ids):
        entry = entries[declaration.commune_id]
        declaration.commune = entry.commune  # for its permalink, without a query each
        if declaration.awaits_confirmation:
            (entry.own_waiting if declaration.declared_by_id == user.pk else entry.to_confirm).append(
                declaration
            )
    for invitation in _invitations(ids):
        entries[invitation.target.commune_id].invitations.append(invitation)
    for contact in _pending_contacts(ids, user):
        entries[contact.commune_id].pending_contacts.append(contact)
    blocks = communes_commitments([entry.commune for entry in entries.values()])
    for pk, entry in entries.items():
        for target in entry.targets:
            target.commune = entry.commune  # for its permalink, without a query each
        _current_mandate(entry, blocks[pk])
    return list(entries.values())


def current_frameworks() -> list[Framework]:
    """The frameworks a deliberation may be recorded on (one query)."""
    return list(Framework.objects.current().order_by("title").only("pk", "slug", "title", "short_title"))
