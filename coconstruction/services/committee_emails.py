"""Who decides for a committee, and the emails of the requests to take part: to the
deciders on a new request, to the requester on the decision (queued once the service's
transaction commits). The emails name the committee "du Havre (76)", "d’Aubervilliers (93)"
(notices.of_commune, through the templates' `of_commune` filter)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Q

from actors.models import Membership, MunicipalContact, Organization
from core.emails import email_send

from ..models import Committee, CommitteeMember, CommitteeOrganization, Participation

if TYPE_CHECKING:
    from accounts.models import User
    from territories.models import Commune

Row = CommitteeOrganization | CommitteeMember


def email_commune(commune: Commune) -> Commune:
    """The commune as the emails' templates take it: they name the committee with the
    `of_commune` filter (templatetags/committees.py: "du Havre (76)"), in the recipient's
    language; its department is read here, once for every recipient."""
    commune.department  # noqa: B018 (loaded now, not once per email)
    return commune


def deciders(committee: Committee) -> list[User]:
    """The people who decide for the committee: the commune's verified contacts, then the
    coordinators of its accepted member organisations (each person once)."""
    contact_ids = MunicipalContact.objects.filter(
        commune_id=committee.commune_id, status=MunicipalContact.Status.VERIFIED
    ).values("user_id")
    coordinator_ids = Membership.objects.filter(
        role=Membership.Role.COORDINATOR,
        organization__committees__committee=committee,
        organization__committees__status=Participation.ACCEPTED,
    ).values("user_id")
    return list(
        get_user_model()
        .objects.filter(Q(pk__in=contact_ids) | Q(pk__in=coordinator_ids), is_active=True)
        .order_by("pk")
    )


def tell_deciders(
    committee: Committee,
    *,
    requester: User,
    organization: Organization | None,
    site_url: str,
    except_user: User | None = None,
) -> None:
    context = {
        "commune": email_commune(committee.commune),
        "requester": requester.public_name,
        "organization": organization.name if organization else "",
        "url": site_url + committee.get_absolute_url(),
    }
    for decider in deciders(committee):
        if decider.pk != getattr(except_user, "pk", None):
            email_send(
                template="coconstruction/emails/committee_request",
                to=decider,
                context={**context, "user": decider},
            )


def tell_requester(row: Row, *, to: User | None, accepted: bool, site_url: str) -> None:
    if to is None:
        return
    context = {
        "commune": email_commune(row.committee.commune),
        "accepted": accepted,
        "organization": row.organization.name if row.organization_id else "",
        "for_organization": isinstance(row, CommitteeOrganization),
        "url": site_url + row.committee.get_absolute_url(),
        "user": to,
    }
    email_send(template="coconstruction/emails/committee_decision", to=to, context=context)
