"""Reads of working groups: the list a viewer may see (filters, national groups first),
a group's page (members, meetings, documents), a document with its versions, the
organisation page's panel, the items a group may be linked to. Each one costs a constant
number of queries, whatever the number of groups, members or documents."""

from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When

from actors.models import Membership, MunicipalContact, Organization
from actors.rules import is_moderator
from followup.queries import committed_items
from frameworks.models import Framework, Item, Theme

from ..models import (
    CommitteeOrganization,
    Document,
    DocumentVersion,
    Meeting,
    Participation,
    WorkingGroup,
    WorkingGroupMember,
)
from ..rules.workgroups import known_group_ids

PER_PAGE = 20
PANEL_MAX = 10
ACTIVE = WorkingGroupMember.Status.ACTIVE


def _coordinated_organization_ids(user):
    return Membership.objects.filter(user=user, role=Membership.Role.COORDINATOR).values("organization_id")


def visible_groups(user):
    """The working groups `user` may see (rules/workgroups.py's view_working_group, as a filter)."""
    groups = WorkingGroup.objects.all()
    if is_moderator(user):
        return groups
    visible = Q(visibility=WorkingGroup.Visibility.PUBLIC)
    if user.is_authenticated:
        coordinated = _coordinated_organization_ids(user)
        decided_committees = CommitteeOrganization.objects.filter(
            organization_id__in=coordinated, status=Participation.ACCEPTED
        ).values("committee_id")
        contact_communes = MunicipalContact.objects.filter(
            user=user, status=MunicipalContact.Status.VERIFIED
        ).values("commune_id")
        visible |= (
            Q(pk__in=known_group_ids(user))
            | Q(organization_id__in=coordinated)
            | Q(committee_id__in=decided_committees)
            | Q(committee__commune_id__in=contact_communes)
        )
    return groups.filter(visible)


def working_group_list(user, *, theme="", status="", query="", page=None):
    """A page of the visible groups: national ones first, then open ones, newest first."""
    groups = visible_groups(user)
    if theme:
        groups = groups.filter(themes__code=theme)
    if status == "open":
        groups = groups.filter(closed_at__isnull=True)
    elif status == "closed":
        groups = groups.filter(closed_at__isnull=False)
    if query:
        groups = groups.filter(name__icontains=query)
    groups = (
        groups.annotate(
            national=Case(
                When(organization__kind=Organization.Kind.PARTNER, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            closed=Case(
                When(closed_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
            member_count=Count("members", filter=Q(members__status=ACTIVE), distinct=True),
        )
        .select_related("committee__commune__department", "organization")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("position", "name")))
        .order_by("national", "closed", "-created_at", "-pk")
    )
    return Paginator(groups, PER_PAGE).get_page(page)


def filter_themes():
    return list(Theme.objects.order_by("position", "name"))


def working_group_get(pk):
    """The group with its owner, themes and items (with their frameworks), or None."""
    return (
        WorkingGroup.objects.select_related("committee__commune__department", "organization", "closed_by")
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("position", "name")),
            Prefetch(
                "items", queryset=Item.objects.select_related("framework").order_by("framework", "position")
            ),
        )
        .filter(pk=pk)
        .first()
    )


def members_of(group, *, with_invited=False):
    """The group's members, coordinators first (and the people invited, for its coordinators)."""
    statuses = [ACTIVE, WorkingGroupMember.Status.INVITED] if with_invited else [ACTIVE]
    return list(
        group.members.filter(status__in=statuses)
        .select_related("user")
        .order_by(
            Case(When(role=WorkingGroupMember.Role.COORDINATOR, then=Value(0)), default=Value(1)),
            "user__display_name",
            "pk",
        )
    )


def meetings_of(group, *, insider):
    """The group's meetings (members-only ones for its insiders only), next ones first."""
    meetings = Meeting.objects.filter(working_group=group)
    if not insider:
        meetings = meetings.filter(visibility=Meeting.Visibility.PUBLIC)
    return list(meetings.order_by("-starts_at", "-pk"))


def _latest_versions():
    return Prefetch(
        "versions",
        queryset=DocumentVersion.objects.select_related("uploaded_by").order_by("-number"),
    )


def documents_of(group):
    """The group's documents with their versions (latest first), by title."""
    return list(group.documents.select_related("created_by").prefetch_related(_latest_versions()))


def document_get(pk):
    return (
        Document.objects.select_related("working_group__committee__commune", "working_group__organization")
        .prefetch_related(_latest_versions())
        .filter(pk=pk)
        .first()
    )


def version_get(pk):
    return DocumentVersion.objects.select_related("document__working_group").filter(pk=pk).first()


def organization_groups(organization):
    """The organisation's public working groups (for its page), open ones first."""
    return list(
        organization.working_groups.filter(visibility=WorkingGroup.Visibility.PUBLIC)
        .annotate(
            closed=Case(
                When(closed_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("closed", "-created_at", "-pk")[:PANEL_MAX]
    )


def item_choices(committee=None):
    """[(framework title, [(item id, label)])]: a committee group's choices are the commune's
    committed items; any other group's, the items of the current national frameworks."""
    if committee is not None:
        items = [item for item, _committed_at in committed_items(committee.commune)[0]]
    else:
        frameworks = Framework.objects.current().filter(parent__isnull=True)
        items = list(
            Item.objects.filter(framework__in=frameworks)
            .select_related("framework")
            .order_by("framework__title", "position")
        )
    grouped = {}
    for item in items:
        grouped.setdefault(item.framework.title, []).append((item.pk, f"{item.code}. {item.title}"))
    return list(grouped.items())


def organization_panel(organization, request):
    """The organisation page's panel: its public working groups, and the link to open one
    for its coordinators (one query, none for an organisation that cannot have any)."""
    if organization.kind not in (Organization.Kind.LOCAL_GROUP, Organization.Kind.PARTNER):
        return None
    can_create = request.user.has_perm("coconstruction.add_working_group", organization)
    groups = organization_groups(organization)
    if not groups and not can_create:
        return None
    return {"organization": organization, "groups": groups, "can_create": can_create}
