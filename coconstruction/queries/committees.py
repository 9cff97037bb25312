"""What the committee's pages and panels read: a constant number of queries each, whatever
the number of members, meetings or working groups."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Membership, MunicipalContact, Organization
from actors.queries import group_covers
from core.history import history_entries
from territories.models import Commune

from ..models import Committee, CommitteeMember, CommitteeOrganization, Meeting, Participation, WorkingGroup
from ..rules.committees import JOINABLE_KINDS
from .workgroups import visible_groups

UPCOMING_MAX = 10
PAST_PAGE_SIZE = 10
WORKING_GROUPS_MAX = 30
HISTORY_MAX = 50
ACTIVE = (Participation.ACCEPTED, Participation.PENDING)


def commune_get(code: str) -> Commune | None:
    return Commune.objects.select_related("department").filter(code=code, is_active=True).first()


def committee_of(commune: Commune) -> Committee | None:
    committee = Committee.objects.filter(commune=commune).first()
    if committee is not None:
        committee.commune = commune  # already read, with its department
    return committee


def participations(committee: Committee) -> dict:
    """Member organisations and people, accepted and pending, with who decides."""
    organizations = list(
        CommitteeOrganization.objects.filter(committee=committee, status__in=ACTIVE).select_related(
            "organization", "requested_by"
        )
    )
    accepted_orgs = [row for row in organizations if row.status == Participation.ACCEPTED]
    members = list(
        CommitteeMember.objects.filter(committee=committee, status__in=ACTIVE)
        .select_related("user", "organization")
        .order_by("requested_at", "pk")
    )
    contacts = list(
        MunicipalContact.objects.filter(
            commune_id=committee.commune_id, status=MunicipalContact.Status.VERIFIED
        ).select_related("user")
    )
    coordinators = list(
        Membership.objects.filter(
            role=Membership.Role.COORDINATOR,
            organization_id__in=[row.organization_id for row in accepted_orgs],
        )
        .select_related("user", "organization")
        .order_by("organization__name", "user__display_name")
    )
    contact_ids = {contact.user_id for contact in contacts}
    accepted_members = [row for row in members if row.status == Participation.ACCEPTED]
    for row in accepted_members:
        row.speaks_for = _speaks_for(row, contact_ids)
        row.decides = row.user_id in contact_ids or any(
            membership.user_id == row.user_id for membership in coordinators
        )
    return {
        "organizations": accepted_orgs,
        "members": accepted_members,
        "pending_organizations": [row for row in organizations if row.status == Participation.PENDING],
        "pending_members": [row for row in members if row.status == Participation.PENDING],
        "contacts": contacts,
        "coordinators": coordinators,
    }


def _speaks_for(member: CommitteeMember, contact_ids: set) -> str:
    if member.organization_id:
        return member.organization.name
    if member.user_id in contact_ids:
        return _("the municipality")
    return _("in their own name")


def visible_meetings(committee: Committee, insider: bool):
    meetings = Meeting.objects.filter(committee=committee)
    return meetings if insider else meetings.filter(visibility=Meeting.Visibility.PUBLIC)


def meetings(committee: Committee, insider: bool, page_number=None) -> dict:
    """The next meetings (the first few) and the past ones, a page at a time."""
    now = timezone.now()
    shown = visible_meetings(committee, insider)
    upcoming = list(shown.upcoming(now).order_by("starts_at", "pk")[:UPCOMING_MAX])
    past = Paginator(shown.past(now).order_by("-starts_at", "-pk"), PAST_PAGE_SIZE).get_page(page_number)
    return {"upcoming": upcoming, "past": past}


def working_groups(committee: Committee, user) -> list[WorkingGroup]:
    """The committee's working groups that `user` may see (a members-only one: its members
    and invited people, the committee's deciders, moderators), the open ones first."""
    groups = visible_groups(user).filter(committee=committee)
    return list(groups.order_by("closed_at", "-created_at", "-pk")[:WORKING_GROUPS_MAX])


def history(committee: Committee) -> list[dict]:
    """Who changed the committee, its organisations and its members, latest first."""
    committee_records = list(committee.history.order_by("-history_date")[:HISTORY_MAX])
    organization_records = list(
        CommitteeOrganization.history.filter(committee_id=committee.pk).order_by("-history_date")[
            :HISTORY_MAX
        ]
    )
    member_records = list(
        CommitteeMember.history.filter(committee_id=committee.pk).order_by("-history_date")[:HISTORY_MAX]
    )
    entries = (
        history_entries(committee_records)
        + history_entries(organization_records)
        + history_entries(member_records)
    )
    entries.sort(key=lambda entry: entry["date"], reverse=True)
    return entries[:HISTORY_MAX]


def addable_organizations(committee: Committee):
    """The organisations a decider may add: public ones of a joinable kind whose territory
    covers the commune (its local groups, its municipality, the national partners…), not
    already in the committee nor asking."""
    commune = committee.commune
    taken = CommitteeOrganization.objects.filter(committee=committee, status__in=ACTIVE).values(
        "organization_id"
    )
    near = Q(commune_id__in=[commune.pk] + ([commune.parent_id] if commune.parent_id else []))
    near |= Q(scale=Organization.Scale.NATIONAL) | Q(department_id=commune.department_id)
    if commune.epci_id:
        near |= Q(epci_id=commune.epci_id)
    candidates = (
        Organization.objects.public()
        .filter(near, kind__in=JOINABLE_KINDS)
        .exclude(pk__in=taken)
        .select_related("department")
        .order_by("name")
    )
    return [organization for organization in candidates if group_covers(organization, commune)]


def commune_panel(commune: Commune) -> dict | None:
    """The commune page's panel: the committee, its member count and its next public
    meeting, in one query; the same for every viewer (the page is cached). Without a
    committee, a line that says so and leads to the page where one is created."""
    now = timezone.now()
    next_meeting = Meeting.objects.filter(
        committee=OuterRef("pk"),
        visibility=Meeting.Visibility.PUBLIC,
        status=Meeting.Status.SCHEDULED,
        starts_at__gte=now,
    ).order_by("starts_at", "pk")
    committee = (
        Committee.objects.filter(commune=commune)
        .annotate(
            member_count=Count("members", filter=Q(members__status=Participation.ACCEPTED), distinct=True),
            next_title=Subquery(next_meeting.values("title")[:1]),
            next_starts_at=Subquery(next_meeting.values("starts_at")[:1]),
            next_pk=Subquery(next_meeting.values("pk")[:1]),
        )
        .first()
    )
    return {"commune": commune, "committee": committee}


def board_panel(commune: Commune) -> dict:
    """The follow-up board's link to the committee (or the offer to create it)."""
    return {"commune": commune, "committee": Committee.objects.filter(commune=commune).first()}
