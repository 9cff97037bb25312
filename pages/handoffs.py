"""The emails of the hand-offs between a commune's actors: a council's deliberation is
recorded, a municipal contact is verified.

The lower apps tell what happened (commitments.signals.deliberation_recorded,
actors.signals.municipal_contact_verified, sent once their transaction commits); pages,
on top of the layers, knows everyone concerned and emails them through core.emails
(the task queue, each person in their own language):

- the coordinators of the local groups acting on the commune (a validated, visible
  local group of the commune, or the group that took it on in a campaign);
- the coordinators of the partners organising the campaign (a deliberation recorded in
  a campaign), or the campaigns that address the commune (a deliberation declared
  elsewhere: those that propose its framework; a verification: the open ones);
- the commune's verified municipal contacts (a deliberation), or the contact themselves
  (a verification: with the way to « Ma commune »).

Whoever did it (who recorded the deliberation, who verified the contact) is not told.
Each person gets one email, which says why they get it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from actors.models import Membership, MunicipalContact, Organization
from campaigns.models import Campaign, Target
from core.emails import email_send

if TYPE_CHECKING:
    from accounts.models import User
    from commitments.models import Commitment, Declaration
    from territories.models import Commune

DEFAULT_SITE_URL = "http://localhost:8000"
DELIBERATION = "pages/emails/deliberation_recorded"
VERIFIED_TO_CONTACT = "pages/emails/contact_verified"
VERIFIED_TO_OTHERS = "pages/emails/contact_verified_to_others"

# Why someone is told (the templates say it in the recipient's language).
AS_GROUP, AS_ORGANIZER, AS_CONTACT = "group", "organizer", "contact"


def site_url() -> str:
    """Links in emails: SITE_URL (no request here to take a host from)."""
    return settings.SITE_URL.rstrip("/") or DEFAULT_SITE_URL


# Who is concerned ---------------------------------------------------------------------


def acting_groups(commune: Commune) -> list[Organization]:
    """The validated, visible local groups of the commune, and those that took it on in a
    campaign (one query)."""
    taken_on = Target.objects.filter(commune=commune, group__isnull=False).values("group_id")
    return list(
        Organization.objects.filter(
            Q(commune=commune) | Q(pk__in=taken_on),
            kind=Organization.Kind.LOCAL_GROUP,
            status=Organization.Status.VALIDATED,
            hidden_at__isnull=True,
        ).order_by("name")
    )


def _coordinators(organizations: list[Organization]) -> list[Membership]:
    return list(
        Membership.objects.filter(
            organization__in=organizations, role=Membership.Role.COORDINATOR, user__is_active=True
        )
        .select_related("user", "organization")
        .order_by("organization__name", "user_id")
    )


def recipients(
    commune: Commune, campaigns: list[Campaign], *, contacts: bool, exclude: set[int]
) -> dict[int, tuple[User, str, str]]:
    """{user id: (user, why they are told, the group's or campaign's name)}: the
    coordinators of the groups acting on the commune, of the partners organising
    `campaigns`, and (`contacts`) the commune's verified municipal contacts; each once
    (the first reason), none of `exclude`."""
    told: dict[int, tuple[User, str, str]] = {}

    def add(user: User, reason: str, name: str = "") -> None:
        if user.pk not in exclude and user.pk not in told:
            told[user.pk] = (user, reason, name)

    for membership in _coordinators(acting_groups(commune)):
        add(membership.user, AS_GROUP, membership.organization.name)
    organizers = {}
    for campaign in campaigns:
        for partner in campaign.organizers.all():
            organizers.setdefault(partner.pk, (partner, campaign))
    for membership in _coordinators([partner for partner, _campaign in organizers.values()]):
        add(membership.user, AS_ORGANIZER, organizers[membership.organization_id][1].title)
    if contacts:
        verified = MunicipalContact.objects.filter(
            commune=commune, status=MunicipalContact.Status.VERIFIED, user__is_active=True
        ).select_related("user")
        for contact in verified.order_by("user_id"):
            add(contact.user, AS_CONTACT)
    return told


def _send(template: str, told: dict[int, tuple[User, str, str]], context: dict) -> int:
    for user, reason, name in told.values():
        email_send(
            template=template,
            to=user,
            context={**context, "recipient": user.public_name, "reason": reason, "reason_name": name},
        )
    return len(told)


# A deliberation -----------------------------------------------------------------------


def commitment_deliberation(commitment: Commitment, user: User | None) -> int:
    """A campaign's bulletin by a council deliberation: tell those concerned (how many)."""
    target = Target.objects.select_related("commune", "campaign").get(pk=commitment.target_id)
    campaigns = list(Campaign.objects.filter(pk=target.campaign_id).prefetch_related("organizers"))
    told = recipients(target.commune, campaigns, contacts=True, exclude={user.pk} if user else set())
    context = {
        "commune": target.commune.display_name,
        "framework": commitment.framework.title,
        "campaign": target.campaign.title,
        "author": user.public_name if user else "",
        "adopted_on": commitment.signed_on,
        "reference": commitment.deliberation_reference,
        "items": commitment.items.count(),
        "declaration": None,
        "url": site_url() + target.get_absolute_url(),
    }
    return _send(DELIBERATION, told, context)


def declaration_deliberation(declaration: Declaration, user: User | None) -> int:
    """A council's deliberation declared after the fact: tell those concerned (how many)."""
    commune = declaration.commune
    campaigns = list(
        Campaign.objects.filter(targets__commune=commune, frameworks=declaration.framework_id)
        .distinct()
        .prefetch_related("organizers")
    )
    told = recipients(commune, campaigns, contacts=True, exclude={user.pk} if user else set())
    context = {
        "commune": commune.display_name,
        "framework": declaration.framework.title,
        "campaign": "",
        "author": user.public_name if user else "",
        "adopted_on": declaration.committed_on,
        "reference": declaration.deliberation_reference,
        "items": declaration.items.count(),
        "declaration": declaration,
        "url": site_url() + declaration.get_absolute_url(),
    }
    return _send(DELIBERATION, told, context)


def deliberation_recorded(sender, *, user=None, commitment=None, declaration=None, **kwargs) -> None:
    """Receiver of commitments.signals.deliberation_recorded."""
    if commitment is not None:
        commitment_deliberation(commitment, user)
    elif declaration is not None:
        declaration_deliberation(declaration, user)


# A verified municipal contact ------------------------------------------------------------


def contact_verified(contact: MunicipalContact, reviewer: User | None) -> int:
    """Tell the contact the way to « Ma commune », and those concerned who now speaks for
    the commune (how many were told)."""
    contact = MunicipalContact.objects.select_related("user", "commune").get(pk=contact.pk)
    commune = contact.commune
    context = {"commune": commune.display_name, "contact": contact, "name": contact.user.public_name}
    email_send(
        template=VERIFIED_TO_CONTACT,
        to=contact.user,
        context={**context, "url": site_url() + reverse("pages:my_commune")},
    )
    campaigns = list(
        Campaign.objects.filter(targets__commune=commune, is_open=True)
        .distinct()
        .prefetch_related("organizers")
    )
    exclude = {contact.user_id} | ({reviewer.pk} if reviewer else set())
    told = recipients(commune, campaigns, contacts=False, exclude=exclude)
    return 1 + _send(VERIFIED_TO_OTHERS, told, {**context, "url": site_url() + commune.get_absolute_url()})


def municipal_contact_verified(sender, *, contact, reviewer=None, **kwargs) -> None:
    """Receiver of actors.signals.municipal_contact_verified."""
    contact_verified(contact, reviewer)
