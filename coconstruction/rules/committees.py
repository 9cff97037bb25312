"""Who takes part in a commune's follow-up committee and who decides.

- Create the committee of a commune: a verified municipal contact of the commune, or a
  coordinator of a local group that follows it (commitments.rules.following_groups).
  Their organisation (the local group) becomes its first member organisation.
- Deciders (`is_committee_decider`): the commune's verified municipal contacts and the
  coordinators of the committee's accepted member organisations, together: any one of
  them accepts or refuses a request, edits the committee, schedules its meetings.
- Members (`is_committee_member`): the deciders, and the people accepted in the committee.
- Ask to take part: an organisation, by one of its coordinators (a validated, visible one);
  a person, for themselves (a member of a member organisation, or anyone signed in).
- Leave: an accepted member leaves; a decider removes a person or an organisation, and a
  coordinator of a member organisation withdraws it (services/committees.py keeps at least
  one decider: the last organisation whose coordinators decide cannot go when the
  municipality has no verified contact).
- Everyone sees a committee; its members-only meetings and working groups only its members.
- Moderators (partner coordinators, staff) see everything and hide what breaks the rules.
"""

import rules
from rules import is_authenticated, is_staff

from actors.models import Membership, Organization
from actors.rules import is_coordinator, is_moderator, is_verified_contact_of
from commitments.rules import following_groups
from core.cache import cached_ids

from ..models import CommitteeMember, CommitteeOrganization, Participation


def member_organization_ids(committee):
    """Ids of the committee's accepted member organisations (cached on the committee)."""
    if committee is None:
        return frozenset()
    return cached_ids(
        committee,
        "_member_organization_ids",
        lambda: CommitteeOrganization.objects.filter(
            committee=committee, status=Participation.ACCEPTED
        ).values_list("organization_id", flat=True),
    )


def committee_ids_of(user):
    """Ids of the committees the user is an accepted member of (cached on the user)."""
    if not user.is_authenticated:
        return frozenset()
    return cached_ids(
        user,
        "_committee_ids",
        lambda: CommitteeMember.objects.filter(user=user, status=Participation.ACCEPTED).values_list(
            "committee_id", flat=True
        ),
    )


@rules.predicate
def may_create_committee(user, commune):
    """A verified contact of the commune, or a coordinator of a local group following it."""
    if not user.is_authenticated or commune is None:
        return False
    if is_verified_contact_of(user, commune):
        return True
    return any(is_coordinator(user, group) for group in following_groups(user, commune))


@rules.predicate
def is_committee_decider(user, committee):
    if not user.is_authenticated or committee is None:
        return False
    if is_verified_contact_of(user, committee.commune):
        return True
    return Membership.objects.filter(
        user=user, role=Membership.Role.COORDINATOR, organization_id__in=member_organization_ids(committee)
    ).exists()


@rules.predicate
def is_committee_member(user, committee):
    if not user.is_authenticated or committee is None:
        return False
    return committee.pk in committee_ids_of(user) or is_committee_decider(user, committee)


rules.add_perm("coconstruction.view_committee", rules.always_allow)
rules.add_perm("coconstruction.add_committee", may_create_committee)
rules.add_perm("coconstruction.change_committee", is_committee_decider | is_staff)
rules.add_perm("coconstruction.decide_committee", is_committee_decider | is_staff)
rules.add_perm("coconstruction.join_committee", is_authenticated)
rules.add_perm("coconstruction.committee_insider", is_committee_member | is_moderator)


# Taking part -------------------------------------------------------------------------------
# The kinds of organisation that may take part: local groups, the municipality, the
# national partners and other associations of the platform.
JOINABLE_KINDS = (
    Organization.Kind.LOCAL_GROUP,
    Organization.Kind.MUNICIPALITY,
    Organization.Kind.PARTNER,
)


def joinable_organizations(user):
    """The organisations the user may ask to take part for: validated, visible ones of a
    joinable kind that they coordinate (a queryset)."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return (
        Organization.objects.public()
        .filter(
            pk__in=Membership.objects.filter(user=user, role=Membership.Role.COORDINATOR).values(
                "organization_id"
            ),
            kind__in=JOINABLE_KINDS,
        )
        .order_by("name")
    )


@rules.predicate
def is_committee_participant(user, committee):
    """An accepted member of the committee (a person, whatever their role)."""
    return user.is_authenticated and committee is not None and committee.pk in committee_ids_of(user)


@rules.predicate
def speaks_for_organization(user, participation):
    """A coordinator of the member organisation (a CommitteeOrganization row)."""
    return participation is not None and is_coordinator(user, participation.organization)


@rules.predicate
def decides_for_participation(user, participation):
    """A decider of the committee the row (organisation or person) belongs to."""
    return participation is not None and is_committee_decider(user, participation.committee)


rules.add_perm("coconstruction.leave_committee", is_committee_participant)
rules.add_perm("coconstruction.decide_participation", decides_for_participation | is_staff)
rules.add_perm(
    "coconstruction.withdraw_committee_organization",
    speaks_for_organization | decides_for_participation | is_staff,
)
