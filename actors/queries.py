"""Reads for organisations that need care: visibility, queues, histories, territories covered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from core.tokens import TOKEN_MAX_LENGTH, token_hash
from territories.queries import clean_query

from .models import JoinRequest, Membership, MunicipalContact, Organization
from .rules import coordinated_partner_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from accounts.models import User
    from territories.models import Commune


def organization_for_viewer(slug: str, user: User | AnonymousUser) -> Organization | None:
    """The organisation if this user may see it, else None (a 404, whatever the reason)."""
    organization = (
        Organization.objects.select_related("commune__department", "epci", "department", "region")
        .prefetch_related("networks")
        .filter(slug=slug)
        .first()
    )
    if organization is None or not organization.is_visible_to(user):
        return None
    return organization


def public_organizations(
    *, kind: str | None = None, department: str | None = None, query: str | None = None
) -> QuerySet[Organization]:
    organizations = (
        Organization.objects.public()
        .select_related("commune__department", "epci", "department", "region")
        .prefetch_related(Prefetch("networks", queryset=Organization.objects.order_by("name")))
        .annotate(member_count=Count("memberships"))
        .order_by("name")
    )
    if kind:
        organizations = organizations.filter(kind=kind)
    if department:
        organizations = organizations.filter(
            Q(commune__department__code=department) | Q(department__code=department)
        )
    query = clean_query(query)
    if query:
        organizations = organizations.filter(name__icontains=query)
    return organizations


def validation_queue(user: User) -> QuerySet[Organization]:
    pending = (
        Organization.objects.filter(status=Organization.Status.PENDING)
        .select_related("commune__department", "created_by")
        .prefetch_related("networks")
        .order_by("created_at")
    )
    if user.is_staff:
        return pending
    return pending.filter(networks__in=coordinated_partner_ids(user)).distinct()


def members(organization: Organization) -> QuerySet[Membership]:
    return organization.memberships.select_related("user").order_by("-role", "created_at")


def pending_contacts() -> QuerySet[MunicipalContact]:
    return (
        MunicipalContact.objects.filter(status=MunicipalContact.Status.PENDING)
        .select_related("user", "commune__department")
        .order_by("requested_at")
    )


def user_memberships(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organization__commune__department")
        .order_by("organization__name")
    )


def group_covers(group: Organization, commune: Commune) -> bool:
    """Whether an organisation's territory (its scale) includes the commune; a national
    one covers them all. Reads commune.department for a regional organisation."""
    scale = group.scale
    if scale == Organization.Scale.COMMUNE:
        return group.commune_id == commune.pk
    if scale == Organization.Scale.EPCI:
        return commune.epci_id is not None and group.epci_id == commune.epci_id
    if scale == Organization.Scale.DEPARTMENT:
        return group.department_id == commune.department_id
    if scale == Organization.Scale.REGION:
        return group.region_id == commune.department.region_id
    return scale == Organization.Scale.NATIONAL


def user_municipal_contacts(user: User) -> QuerySet[MunicipalContact]:
    return MunicipalContact.objects.filter(user=user).select_related("commune__department")


def pending_contact_by_token(token: str, *, for_update: bool = False) -> MunicipalContact | None:
    """The pending request a town hall's verification link stands for, while the link is
    valid (None otherwise), with the requester and the commune."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    contacts = MunicipalContact.objects.select_related("user", "commune__department")
    if for_update:
        contacts = contacts.select_for_update(of=("self",))
    return contacts.filter(
        token_hash=token_hash(token),
        status=MunicipalContact.Status.PENDING,
        token_expires_at__gt=timezone.now(),
    ).first()


def joining_state(organization: Organization, user: User | AnonymousUser) -> dict | None:
    """What a group's page offers to join it (None: not a group one joins): whether the
    user is a member, their request waiting for an answer, what they may do."""
    if organization.kind != Organization.Kind.LOCAL_GROUP or not organization.is_validated:
        return None
    if organization.is_hidden:
        return None
    signed_in = user.is_authenticated
    is_member = signed_in and organization.memberships.filter(user=user).exists()
    pending = None
    if signed_in and not is_member:
        pending = organization.join_requests.filter(user=user, status=JoinRequest.Status.PENDING).first()
    return {
        "signed_in": signed_in,
        "is_member": is_member,
        "pending": pending,
        "can_contact": user.has_perm("actors.contact_organization", organization),
        "can_join": pending is None and user.has_perm("actors.request_to_join", organization),
    }


def pending_join_requests(organization: Organization) -> QuerySet[JoinRequest]:
    return organization.join_requests.filter(status=JoinRequest.Status.PENDING).select_related("user")


def groups_acting_in(commune: Commune) -> list[Organization]:
    """The public local groups of a commune (or of the city a municipal arrondissement
    belongs to), with their member count."""
    communes = [commune.pk] + ([commune.parent_id] if commune.parent_id else [])
    return list(
        Organization.objects.public()
        .filter(kind=Organization.Kind.LOCAL_GROUP, commune_id__in=communes)
        .annotate(member_count=Count("memberships"))
        .order_by("name")
    )


def commune_panel(commune: Commune, request: object) -> dict:
    """The commune page's "act here" panel: the groups already acting there come first,
    creating another one second."""
    return {"commune": commune, "groups": groups_acting_in(commune)}
