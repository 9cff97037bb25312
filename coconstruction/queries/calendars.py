"""The meetings of the calendar feeds, and who is told about a meeting.

Who sees a meeting (rules/meetings.py, rules/workgroups.py), as a condition on meetings,
so that a feed is one query whatever its size:

- a committee's meeting: everyone when public; when members only, the committee's
  insiders (its accepted members, the commune's verified municipal contacts, the
  coordinators of its accepted member organisations);
- a working group's meeting: when public, whoever sees the group (everyone for a public
  group; else its members and invited people, and those who run its owner: the
  committee's deciders or the organisation's coordinators); when members only, the
  group's active members, and those who run its owner while it is open;
- moderators see every meeting.

A feed holds the meetings that ended less than WINDOW_BACK ago and later ones, at most
FEED_MAX, the nearest first."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from actors.models import Membership, MunicipalContact
from actors.rules import is_moderator

from ..models import (
    Committee,
    CommitteeMember,
    CommitteeOrganization,
    Meeting,
    Participation,
    WorkingGroup,
    WorkingGroupMember,
)
from ..services.calendars import with_body

WINDOW_BACK = timedelta(days=365)
FEED_MAX = 500

PUBLIC = Q(visibility=Meeting.Visibility.PUBLIC) & (
    Q(committee__isnull=False) | Q(working_group__visibility=WorkingGroup.Visibility.PUBLIC)
)


def coordinated_organizations(user):
    return Membership.objects.filter(user=user, role=Membership.Role.COORDINATOR).values("organization_id")


def deciding_committees(user):
    """A subquery: the ids of the committees `user` decides for (rules.is_committee_decider)."""
    contacts = MunicipalContact.objects.filter(user=user, status=MunicipalContact.Status.VERIFIED).values(
        "commune_id"
    )
    deciding = CommitteeOrganization.objects.filter(
        status=Participation.ACCEPTED, organization_id__in=coordinated_organizations(user)
    ).values("committee_id")
    return Committee.objects.filter(Q(commune_id__in=contacts) | Q(pk__in=deciding)).values("pk")


def insider_committees(user):
    """A subquery: the ids of the committees `user` is an insider of (its deciders and its
    accepted members: rules.is_committee_member)."""
    members = CommitteeMember.objects.filter(user=user, status=Participation.ACCEPTED).values("committee_id")
    return Committee.objects.filter(Q(pk__in=members) | Q(pk__in=deciding_committees(user))).values("pk")


def member_groups(user, statuses=(WorkingGroupMember.Status.ACTIVE,)):
    """A subquery: the ids of the working groups `user` is an active member of (or has
    one of these `statuses` in)."""
    return WorkingGroupMember.objects.filter(user=user, status__in=statuses).values("working_group_id")


def visible_to(user):
    """The condition on meetings that `user` may see."""
    if not user.is_authenticated:
        return PUBLIC
    if is_moderator(user):
        return Q()
    public = Q(visibility=Meeting.Visibility.PUBLIC)
    runs_owner = Q(working_group__committee_id__in=deciding_committees(user)) | Q(
        working_group__organization_id__in=coordinated_organizations(user)
    )
    known = member_groups(user, (WorkingGroupMember.Status.ACTIVE, WorkingGroupMember.Status.INVITED))
    group_visible = (
        Q(working_group__visibility=WorkingGroup.Visibility.PUBLIC)
        | Q(working_group_id__in=known)
        | runs_owner
    )
    of_committee = Q(committee__isnull=False) & (public | Q(committee_id__in=insider_committees(user)))
    of_group = Q(working_group__isnull=False) & (
        (public & group_visible)
        | Q(working_group_id__in=member_groups(user))
        | (runs_owner & Q(working_group__closed_at__isnull=True))
    )
    return of_committee | of_group


def in_window(meetings, now=None):
    """The feed's meetings: ended less than WINDOW_BACK ago or later, nearest first, at most FEED_MAX."""
    since = (now or timezone.now()) - WINDOW_BACK
    return list(with_body(meetings.filter(ends_at__gte=since)).order_by("starts_at", "pk")[:FEED_MAX])


def commune_meetings(commune, now=None):
    """The public meetings of the commune's committee and of its public working groups."""
    return in_window(
        Meeting.objects.filter(PUBLIC).filter(
            Q(committee__commune=commune) | Q(working_group__committee__commune=commune)
        ),
        now,
    )


def committee_meetings(committee, user, now=None):
    """The meetings of a committee and of its working groups that `user` may see."""
    return in_window(
        Meeting.objects.filter(visible_to(user)).filter(
            Q(committee=committee) | Q(working_group__committee=committee)
        ),
        now,
    )


def person_meetings(user, now=None):
    """A person's meetings: those of the committees they take part in (as insiders), of
    the working groups they are active members of, and those they registered to."""
    committees = insider_committees(user)
    theirs = (
        Q(committee_id__in=committees)
        | Q(working_group_id__in=member_groups(user))
        | Q(registrations__user=user, registrations__cancelled_at__isnull=True)
    )
    ids = Meeting.objects.filter(theirs).values("pk")
    return in_window(Meeting.objects.filter(visible_to(user)).filter(pk__in=ids), now)


def person_committees(user):
    """The committees whose feed the person's link gives (those they are an insider of)."""
    return list(
        Committee.objects.filter(pk__in=insider_committees(user))
        .select_related("commune__department")
        .only("pk", "commune__code", "commune__name", "commune__name_type", "commune__department__code")
        .order_by("commune__name")
    )


def recipients(meeting):
    """The active users told about `meeting`: the committee's insiders (or the working
    group's active members), and the people registered to it who may see it; each once."""
    User = get_user_model()
    if meeting.committee_id:
        told = Q(pk__in=_committee_insider_users(meeting.committee))
    else:
        told = Q(
            working_group_memberships__working_group_id=meeting.working_group_id,
            working_group_memberships__status=WorkingGroupMember.Status.ACTIVE,
        )
    registered = Q(meeting_registrations__meeting=meeting, meeting_registrations__cancelled_at__isnull=True)
    candidates = User.objects.filter(is_active=True).filter(told | registered).values("pk")
    users = User.objects.filter(pk__in=candidates).order_by("pk")
    if meeting.is_public and (meeting.committee_id or meeting.working_group.is_public):
        return users
    # Members-only: only those who may see it (a registration is not enough).
    return [user for user in users if user.has_perm("coconstruction.view_meeting", meeting)]


def _committee_insider_users(committee):
    coordinated = CommitteeOrganization.objects.filter(
        committee=committee, status=Participation.ACCEPTED
    ).values("organization_id")
    return (
        get_user_model()
        .objects.filter(
            Q(
                committee_memberships__committee=committee,
                committee_memberships__status=Participation.ACCEPTED,
            )
            | Q(
                municipal_contacts__commune_id=committee.commune_id,
                municipal_contacts__status=MunicipalContact.Status.VERIFIED,
            )
            | Q(memberships__organization_id__in=coordinated, memberships__role=Membership.Role.COORDINATOR)
        )
        .values("pk")
    )
