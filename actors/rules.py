"""Who may do what with organisations: tiny predicates, combined into named rules.

Roles: anonymous, plain user, member, coordinator of a group, partner coordinator
(coordinator of a national partner), verified municipal contact, platform staff.
"""

import rules
from rules import is_authenticated, is_staff

from core.cache import cached_ids

from .models import Membership, MunicipalContact, Organization


def _coordinator_org_ids(user):
    """Ids of the organisations this user coordinates (cached on the user object)."""
    if not user.is_authenticated:
        return frozenset()
    return cached_ids(
        user,
        "_coordinated_org_ids",
        lambda: Membership.objects.filter(user=user, role=Membership.Role.COORDINATOR).values_list(
            "organization_id", flat=True
        ),
    )


def coordinated_partner_ids(user):
    """Ids of the national partners this user coordinates (a frozenset, cached on the user).

    Public: the apps above ask it too (campaigns: a partner coordinator organises the
    campaigns of their network)."""
    if not user.is_authenticated:
        return frozenset()
    return cached_ids(
        user,
        "_coordinated_partner_ids",
        lambda: Organization.objects.filter(
            pk__in=_coordinator_org_ids(user), kind=Organization.Kind.PARTNER
        ).values_list("pk", flat=True),
    )


@rules.predicate
def is_partner_coordinator(user):
    return bool(user.is_authenticated and coordinated_partner_ids(user))


@rules.predicate
def is_member(user, organization):
    if not user.is_authenticated or organization is None:
        return False
    return Membership.objects.filter(user=user, organization=organization).exists()


@rules.predicate
def is_coordinator(user, organization):
    return organization is not None and organization.pk in _coordinator_org_ids(user)


@rules.predicate
def coordinates_a_declared_network(user, organization):
    """A coordinator of one of the partner networks the organisation declares."""
    if organization is None or not user.is_authenticated:
        return False
    partners = coordinated_partner_ids(user)
    if not partners:
        return False
    return organization.networks.filter(pk__in=partners).exists()


@rules.predicate
def is_validated(user, organization):
    return organization is not None and organization.is_validated


@rules.predicate
def is_pending(user, organization):
    return organization is not None and organization.is_pending


@rules.predicate
def is_verified_contact_of(user, commune):
    if not user.is_authenticated or commune is None:
        return False
    return MunicipalContact.objects.filter(
        user=user, commune=commune, status=MunicipalContact.Status.VERIFIED
    ).exists()


@rules.predicate
def created_it(user, organization):
    """Whoever created a group does not validate it themselves."""
    return organization is not None and user.is_authenticated and organization.created_by_id == user.pk


@rules.predicate
def is_own_request(user, contact):
    """Nobody verifies their own municipal contact request."""
    return contact is not None and user.is_authenticated and contact.user_id == user.pk


@rules.predicate
def is_partner_organization(user, organization):
    """Whether the object is a partner organisation (moderation rules receive any
    moderated content: an update of the follow-up is never one)."""
    return isinstance(organization, Organization) and organization.kind == Organization.Kind.PARTNER


@rules.predicate
def is_open_local_group(user, organization):
    """A validated local group, not hidden: one people may write to and ask to join."""
    return (
        isinstance(organization, Organization)
        and organization.kind == Organization.Kind.LOCAL_GROUP
        and organization.is_validated
        and not organization.is_hidden
    )


is_moderator = is_partner_coordinator | is_staff

rules.add_perm("actors.add_organization", is_authenticated)
rules.add_perm("actors.view_members", is_member | coordinates_a_declared_network | is_staff)
rules.add_perm("actors.change_organization", is_coordinator | is_staff)
rules.add_perm(
    "actors.validate_organization", is_pending & ~created_it & (coordinates_a_declared_network | is_staff)
)
rules.add_perm("actors.invite_member", is_validated & (is_coordinator | is_staff))
rules.add_perm("actors.remove_member", is_coordinator | is_staff)
rules.add_perm("actors.change_member_role", is_coordinator | is_staff)
rules.add_perm("actors.leave_organization", is_member)
# Citizens join a group: write to its coordinators, ask to join (signed in: the reply
# address is the account's verified one); its coordinators (or staff) answer.
rules.add_perm("actors.contact_organization", is_authenticated & is_open_local_group & ~is_coordinator)
rules.add_perm("actors.request_to_join", is_authenticated & is_open_local_group & ~is_member)
rules.add_perm("actors.decide_join_request", is_coordinator | is_staff)
rules.add_perm("actors.view_history", is_coordinator | coordinates_a_declared_network | is_staff)
rules.add_perm("actors.view_validation_queue", is_partner_coordinator | is_staff)
rules.add_perm("actors.request_municipal_contact", is_authenticated)
rules.add_perm("actors.verify_municipal_contact", ~is_own_request & (is_partner_coordinator | is_staff))
rules.add_perm("actors.accept_invitation", is_authenticated)
rules.add_perm("actors.act_for_commune", is_verified_contact_of)
