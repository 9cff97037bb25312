"""Who may declare, confirm, refuse and read a commitment made elsewhere (a Declaration).

- Declare, for a commune: the members of the local groups that follow the commune (a
  validated, visible local group whose territory covers it: `following_groups`, the same
  definition as the follow-up's civil-society voice), and the commune's verified
  municipal contacts.
- Confirm or refuse a declaration waiting for it: a partner coordinator, or a verified
  municipal contact of its commune — never the person who declared it.
- Withdraw: its declarer while it waits for confirmation; staff while it stands.
- Read it: everyone while it stands (declared or confirmed); a refused or withdrawn one,
  its declarer, those who may confirm and staff. Its document (which may show signatures)
  only the declarer, those who may confirm, and staff — but a confirmed council
  deliberation's document is a public act (anyone may obtain a council's deliberations):
  everyone reads it, linked from the commune and item pages.
- Import declarations from a spreadsheet: partner coordinators and staff.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules
from rules import is_authenticated, is_staff

from actors.models import Membership, Organization
from actors.queries import group_covers
from actors.rules import coordinated_partner_ids, is_partner_coordinator, is_verified_contact_of

from .models import Declaration

if TYPE_CHECKING:
    from accounts.models import User
    from territories.models import Commune

Capacity = Declaration.Capacity


def following_groups(user: User, commune: Commune | None) -> list[Organization]:
    """The local groups of this user that follow the commune (a list, cached on the user
    for the commune): validated, visible local groups whose territory covers it."""
    if not user.is_authenticated or commune is None:
        return []
    cache = user.__dict__.setdefault("_following_groups", {})
    if commune.pk not in cache:
        groups = Organization.objects.filter(
            pk__in=Membership.objects.filter(user=user).values("organization_id"),
            kind=Organization.Kind.LOCAL_GROUP,
            status=Organization.Status.VALIDATED,
            hidden_at__isnull=True,
        ).order_by("name")
        cache[commune.pk] = [group for group in groups if group_covers(group, commune)]
    return cache[commune.pk]


def declaring_capacities(user: User, commune: Commune | None) -> list[tuple[str, Organization | None]]:
    """In whose name this user may declare for the commune: the municipality, then each
    of their local groups that follow it."""
    capacities: list[tuple[str, Organization | None]] = []
    if is_verified_contact_of(user, commune):
        capacities.append((Capacity.MUNICIPALITY, None))
    capacities.extend((Capacity.LOCAL_GROUP, group) for group in following_groups(user, commune))
    return capacities


def reviewing_capacities(
    user: User, declaration: Declaration | None
) -> list[tuple[str, Organization | None]]:
    """In whose name this user may confirm or refuse the declaration: the municipality
    (a verified contact of its commune), then each national partner they coordinate."""
    if declaration is None or not user.is_authenticated:
        return []
    capacities: list[tuple[str, Organization | None]] = []
    if is_verified_contact_of(user, declaration.commune):
        capacities.append((Capacity.MUNICIPALITY, None))
    partners = coordinated_partner_ids(user)
    if partners:
        capacities.extend(
            (Capacity.PARTNER, partner)
            for partner in Organization.objects.filter(pk__in=partners).order_by("name")
        )
    return capacities


@rules.predicate
def may_declare_for(user, commune):
    return commune is not None and bool(declaring_capacities(user, commune))


@rules.predicate
def is_declarer(user, declaration):
    return declaration is not None and user.is_authenticated and declaration.declared_by_id == user.pk


@rules.predicate
def is_contact_of_its_commune(user, declaration):
    return declaration is not None and is_verified_contact_of(user, declaration.commune)


@rules.predicate
def awaits_confirmation(user, declaration):
    return declaration is not None and declaration.awaits_confirmation


@rules.predicate
def is_standing(user, declaration):
    return declaration is not None and declaration.is_standing


@rules.predicate
def is_public_act(user, declaration):
    """A confirmed council deliberation: its document is the act, public."""
    return (
        declaration is not None
        and declaration.status == Declaration.Status.CONFIRMED
        and declaration.committed_by == Declaration.CommittedBy.COUNCIL
    )


may_review = is_partner_coordinator | is_contact_of_its_commune

rules.add_perm("commitments.declare", is_authenticated & may_declare_for)
rules.add_perm("commitments.confirm_declaration", awaits_confirmation & ~is_declarer & may_review)
rules.add_perm("commitments.refuse_declaration", awaits_confirmation & ~is_declarer & may_review)
rules.add_perm(
    "commitments.withdraw_declaration", (awaits_confirmation & is_declarer) | (is_standing & is_staff)
)
rules.add_perm("commitments.view_declaration", is_standing | is_declarer | may_review | is_staff)
rules.add_perm("commitments.view_declaration_proof", is_public_act | is_declarer | may_review | is_staff)
rules.add_perm("commitments.import_declarations", is_partner_coordinator | is_staff)
# Whom the board of a commune points to the declarations waiting for their confirmation.
rules.add_perm("commitments.review_declarations", is_partner_coordinator | is_verified_contact_of)


def importing_capacities(user: User) -> list[tuple[str, Organization | None]]:
    """In whose name this user may import declarations: each national partner they
    coordinate, then the platform's team (staff)."""
    if not user.is_authenticated:
        return []
    capacities: list[tuple[str, Organization | None]] = [
        (Capacity.PARTNER, partner)
        for partner in Organization.objects.filter(pk__in=coordinated_partner_ids(user)).order_by("name")
    ]
    if user.is_staff:
        capacities.append((Capacity.STAFF, None))
    return capacities
