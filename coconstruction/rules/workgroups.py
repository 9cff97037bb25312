"""Who sees, joins, runs and contributes to a working group (chantier).

- Create one: for a committee, its deciders (rules/committees.py); for a local group or a
  national partner (a national group), its coordinators (a validated organisation).
  The creator is the group's first coordinator.
- See it (`view_working_group`): everyone when public; when members only, its members
  (and the people invited to it), the owner's deciders or coordinators (the committee's
  deciders, the organisation's coordinators) and moderators; anyone else gets a 404, for
  the group as for its documents, meetings and discussion.
- Join (`join_working_group`): anyone signed in who sees an open group not closed; a group
  by invitation is joined by accepting an invitation (`accept_working_group_invitation`).
- Run it (`coordinate_working_group`: invite, close): its coordinators and the owner's
  deciders or coordinators (and staff), while it is not closed.
- Contribute (`contribute_working_group`: documents, versions, meetings, comments): its
  active members, while it is not closed. A closed group stays readable.
"""

import rules
from rules import is_authenticated, is_staff

from actors.models import Organization
from actors.rules import is_coordinator, is_moderator

from ..models import WorkingGroupMember
from .committees import is_committee_decider

ACTIVE = WorkingGroupMember.Status.ACTIVE
INVITED = WorkingGroupMember.Status.INVITED
COORDINATOR = WorkingGroupMember.Role.COORDINATOR
# The organisations that may have working groups of their own.
OWNER_KINDS = (Organization.Kind.LOCAL_GROUP, Organization.Kind.PARTNER)


def _memberships(user):
    """{group id: (role, status)} of the user's memberships in working groups (cached on the user)."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_working_group_memberships", None)
    if cached is None:
        cached = {
            group_id: (role, status)
            for group_id, role, status in WorkingGroupMember.objects.filter(
                user=user, status__in=[ACTIVE, INVITED]
            ).values_list("working_group_id", "role", "status")
        }
        user._working_group_memberships = cached
    return cached


def forget_memberships(user):
    """After a change of the user's memberships (the services call it)."""
    if getattr(user, "_working_group_memberships", None) is not None:
        del user._working_group_memberships  # request.user is a lazy object: no __dict__ of its own


def member_group_ids(user):
    """Ids of the working groups the user is an active member of."""
    return frozenset(pk for pk, (_role, status) in _memberships(user).items() if status == ACTIVE)


def known_group_ids(user):
    """Ids of the working groups the user is a member of or invited to."""
    return frozenset(_memberships(user))


@rules.predicate
def is_group_member(user, group):
    return group is not None and _memberships(user).get(group.pk, (None, None))[1] == ACTIVE


@rules.predicate
def is_group_coordinator(user, group):
    return group is not None and _memberships(user).get(group.pk) == (COORDINATOR, ACTIVE)


@rules.predicate
def is_invited(user, group):
    return group is not None and _memberships(user).get(group.pk, (None, None))[1] == INVITED


@rules.predicate
def runs_the_owner(user, group):
    """A decider of the group's committee, or a coordinator of its organisation."""
    if group is None or not user.is_authenticated:
        return False
    answers = group.__dict__.setdefault("_runs_the_owner", {})  # asked several times per page
    if user.pk not in answers:
        if group.committee_id:
            answers[user.pk] = bool(is_committee_decider(user, group.committee))
        else:
            answers[user.pk] = bool(is_coordinator(user, group.organization))
    return answers[user.pk]


@rules.predicate
def is_public_group(user, group):
    return group is not None and group.is_public


@rules.predicate
def is_open_group(user, group):
    return group is not None and group.access == group.Access.OPEN


@rules.predicate
def is_closed_group(user, group):
    return group is not None and group.is_closed


@rules.predicate
def may_create_working_group(user, owner):
    """`owner`: a Committee (its deciders) or an Organization (a validated local group or
    national partner, its coordinators)."""
    if not user.is_authenticated or owner is None:
        return False
    if isinstance(owner, Organization):
        return owner.kind in OWNER_KINDS and owner.is_validated and is_coordinator(user, owner)
    return is_committee_decider(user, owner)


may_view = is_public_group | is_group_member | is_invited | runs_the_owner | is_moderator
may_coordinate = (is_group_coordinator | runs_the_owner | is_staff) & ~is_closed_group

rules.add_perm("coconstruction.add_working_group", may_create_working_group)
rules.add_perm("coconstruction.view_working_group", may_view)
rules.add_perm(
    "coconstruction.join_working_group",
    is_authenticated & is_open_group & ~is_closed_group & ~is_group_member & may_view,
)
rules.add_perm("coconstruction.accept_working_group_invitation", is_invited & ~is_closed_group)
rules.add_perm("coconstruction.leave_working_group", is_group_member | is_invited)
rules.add_perm("coconstruction.coordinate_working_group", may_coordinate)
rules.add_perm("coconstruction.contribute_working_group", is_group_member & ~is_closed_group)
