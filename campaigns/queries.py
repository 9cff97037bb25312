"""Reads of campaigns: public pages, map data, counts, the commune page's panel (the
exports are exports.py). (The item page's panel, a commune's commitments for the mandate
and a bulletin for its PDF are commitments.queries.)"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, FilteredRelation, OuterRef, Prefetch, Q, Subquery

from commitments.models import Commitment, CommitmentItem
from commitments.queries import commune_commitments
from frameworks.queries import framework_with_local_versions, item_equivalents
from territories.models import full_name
from territories.normalize import normalize
from territories.queries import data_imported_on, prefix

from .models import Campaign, CandidateList, Step, Target

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from actors.models import Organization
    from frameworks.models import Framework, Item
    from territories.models import Commune

STATUS_CODES = {status: index for index, status in enumerate(Target.Status.values)}


def _results_recorded() -> Exists:
    """A campaign's annotation: an election result is recorded in one of its communes
    (Campaign.results_recorded, which its phase asks)."""
    return Exists(CandidateList.objects.filter(target__campaign=OuterRef("pk"), is_elected=True))


def _refusal(prefix: str = "", **where: object) -> dict[str, Subquery]:
    """Annotations of the latest refusal logged (`where`: whose): `<prefix>refused_on`,
    its date, and `<prefix>refusal_reason`, its public reason. Refusals are public."""
    latest = Step.objects.filter(kind=Step.Kind.REFUSAL, **where).order_by("-date", "-created_at")
    return {
        f"{prefix}refused_on": Subquery(latest.values("date")[:1]),
        f"{prefix}refusal_reason": Subquery(latest.values("public_reason")[:1]),
    }


def lists_with_refusals() -> QuerySet[CandidateList]:
    """Candidate lists by name, each with its refusal (`refused_on`, `refusal_reason`)."""
    return CandidateList.objects.annotate(**_refusal(candidate_list=OuterRef("pk"))).order_by("name")


def _municipality_refusal() -> dict[str, Subquery]:
    """A target's annotations: the refusal logged without a list (the municipality's)."""
    return _refusal("municipality_", target=OuterRef("pk"), candidate_list__isnull=True)


def campaigns_public() -> QuerySet[Campaign]:
    return Campaign.objects.annotate(
        target_count=Count("targets", distinct=True),
        committed_count=Count("targets", filter=Q(targets__status=Target.Status.COMMITTED), distinct=True),
        list_signed_count=Count(
            "targets", filter=Q(targets__status=Target.Status.LIST_SIGNED), distinct=True
        ),
        results_recorded=_results_recorded(),
    ).order_by("-is_open", "-created_at")


def campaign_get(slug: str) -> Campaign | None:
    return (
        Campaign.objects.filter(slug=slug)
        .annotate(results_recorded=_results_recorded())
        .prefetch_related("frameworks", "organizers")
        .first()
    )


def _new_counts() -> dict[str, Any]:
    return {"counts": dict.fromkeys(Target.Status.values, 0), "list_refusals": 0, "municipality_refusals": 0}


def _count_into(group: dict[str, Any], row: dict[str, Any]) -> None:
    group["counts"][row["status"]] += row["n"]
    group["list_refusals"] += row["list_refusals"]
    group["municipality_refusals"] += row["municipality_refusals"]


def _counts_done(group: dict[str, Any], shown: list[str]) -> dict[str, Any]:
    group["total"] = sum(group["counts"].values())
    group["ordered"] = [group["counts"][status] for status in shown]
    group["refusals"] = group["list_refusals"] + group["municipality_refusals"]
    return group


def shown_statuses(campaign: Campaign) -> list[str]:
    """The statuses a campaign's kind can show: a list signs only where there are lists."""
    has_lists = campaign.kind_spec.has_lists
    return [status for status in Target.Status.values if has_lists or status != Target.Status.LIST_SIGNED]


def campaign_counts(campaign: Campaign) -> dict[str, Any]:
    """Targets by status (those its kind can show), and the refusals recorded (by lists,
    by municipalities, whatever the targets' status): in total, per region and per
    department (one query)."""
    rows = (
        Target.objects.filter(campaign=campaign)
        .annotate(refusal=FilteredRelation("steps", condition=Q(steps__kind=Step.Kind.REFUSAL)))
        .values(
            "status",
            "commune__department__code",
            "commune__department__name",
            "commune__department__region__code",
            "commune__department__region__name",
        )
        .annotate(
            n=Count("pk", distinct=True),
            # A list belongs to one target: its id counts each list that refused once.
            list_refusals=Count("refusal__candidate_list", distinct=True),
            municipality_refusals=Count(
                "pk", distinct=True, filter=Q(refusal__id__isnull=False, refusal__candidate_list__isnull=True)
            ),
        )
        .order_by()
    )
    total, regions, departments = _new_counts(), {}, {}
    for row in rows:
        _count_into(total, row)
        for groups, path in (
            (regions, "commune__department__region__"),
            (departments, "commune__department__"),
        ):
            code = row[path + "code"]
            if code not in groups:
                groups[code] = {"code": code, "name": row[path + "name"], **_new_counts()}
            _count_into(groups[code], row)
    shown = shown_statuses(campaign)
    _counts_done(total, shown)
    for group in list(regions.values()) + list(departments.values()):
        _counts_done(group, shown)
    return {
        "total": total["counts"],
        "total_count": total["total"],
        "refusals": total["refusals"],
        "list_refusals": total["list_refusals"],
        "municipality_refusals": total["municipality_refusals"],
        "ordered": [
            (status, label, total["counts"][status])
            for status, label in Target.Status.choices
            if status in shown
        ],
        "regions": sorted(regions.values(), key=lambda region: region["name"]),
        "departments": sorted(departments.values(), key=lambda department: department["code"]),
    }


def campaign_targets(
    campaign: Campaign,
    *,
    status: str = "",
    framework: Framework | None = None,
    item: Item | None = None,
    department: str = "",
    query: str = "",
) -> QuerySet[Target]:
    targets = (
        Target.objects.filter(campaign=campaign)
        .select_related("campaign", "commune__department", "group")
        .defer(
            "commune__outline",
            "commune__town_hall_address",
            "commune__department__outline",
            "commune__department__bbox",
        )
    )
    if status:
        targets = targets.filter(status=status)
    if department:
        targets = targets.filter(commune__department__code=department)
    if query:
        targets = targets.filter(prefix("commune__search_name", " " + normalize(query)))
    active = Commitment.objects.filter(target=OuterRef("pk"), withdrawn_at__isnull=True)
    if framework is not None:
        targets = targets.filter(Exists(active.filter(framework_with_local_versions(framework))))
    if item is not None:
        targets = targets.filter(Exists(active.filter(items__item__in=item_equivalents(item))))
    return targets.order_by("commune__search_name", "commune__code")


def with_public_lists(targets: QuerySet[Target]) -> QuerySet[Target]:
    """Prefetch what the public list shows: lists (with their refusals) and active
    commitments (2 queries)."""
    return targets.prefetch_related(
        Prefetch("lists", queryset=lists_with_refusals()),
        Prefetch(
            "commitments",
            queryset=Commitment.objects.filter(withdrawn_at__isnull=True).select_related("framework"),
            to_attr="active_commitments",
        ),
    )


def campaign_map_points(campaign: Campaign) -> list[list[float | int | str]]:
    """[longitude, latitude, status index, INSEE code, name] for every target with a point."""
    rows = (
        Target.objects.filter(campaign=campaign, commune__latitude__isnull=False)
        .order_by()
        .values_list(
            "commune__longitude",
            "commune__latitude",
            "status",
            "commune__code",
            "commune__name",
            "commune__name_type",
        )
    )
    return [
        [round(lon, 4), round(lat, 4), STATUS_CODES[status], code, full_name(name, name_type)]
        for lon, lat, status, code, name, name_type in rows
    ]


def target_get(campaign: Campaign, code: str) -> Target | None:
    return (
        Target.objects.filter(campaign=campaign, commune__code=code)
        .select_related("commune__department__region", "commune__epci", "group", "campaign")
        .annotate(**_municipality_refusal())
        .first()
    )


def target_public(target: Target) -> dict[str, QuerySet]:
    """Lists with their refusals, their active and withdrawn commitments and chosen items."""
    commitments = Commitment.objects.select_related("framework", "candidate_list").prefetch_related(
        Prefetch("items", queryset=CommitmentItem.objects.select_related("item__framework", "level"))
    )
    lists = (
        lists_with_refusals()
        .filter(target=target)
        .prefetch_related(Prefetch("commitments", queryset=commitments))
    )
    municipality = commitments.filter(target=target, candidate_list__isnull=True)
    return {"lists": lists, "municipality_commitments": municipality}


def target_private(target: Target) -> dict[str, QuerySet]:
    return {
        "steps": target.steps.select_related("candidate_list", "created_by").order_by("-date", "-created_at"),
        "invitations": target.invitations.select_related("candidate_list", "framework").order_by(
            "-created_at"
        )[:50],
    }


def commune_campaigns(commune: Commune) -> dict[str, Any]:
    """For the commune page: what the commune committed to, per framework, whatever the
    sources (commitments.queries.commune_commitments), with the register's mayor next to
    an elected list; then its campaigns, lists, signatories (the levels and comments they
    chose) and refusals."""
    commitments = (
        Commitment.objects.filter(withdrawn_at__isnull=True)
        .select_related("framework")
        .prefetch_related(
            Prefetch("items", queryset=CommitmentItem.objects.select_related("item__framework", "level"))
        )
    )
    targets = (
        Target.objects.filter(commune=commune)
        .select_related("campaign", "commune", "group")
        .annotate(**_municipality_refusal())
        .prefetch_related(
            Prefetch("lists", queryset=lists_with_refusals()),
            Prefetch("commitments", queryset=commitments, to_attr="active_commitments"),
        )
        .order_by("-campaign__created_at")
    )
    blocks = commune_commitments(commune)
    elected = any(source.is_elected_list for block in blocks for source in block.sources)
    return {
        "commune": commune,
        "commitments": blocks,
        "campaign_targets": targets,
        "data_imported_on": data_imported_on() if elected else None,
    }


def organization_campaigns(organization: Organization) -> dict[str, Any]:
    """For a group's page (the "organization" panel): the communes it takes on, campaign
    by campaign, and the campaigns it organises (a partner). Two queries."""
    targets = (
        Target.objects.filter(group=organization)
        .select_related("campaign", "commune__department")
        .order_by("-campaign__created_at", "campaign_id", "commune__name")
    )
    by_campaign: dict[int, dict[str, Any]] = {}
    for target in targets:
        entry = by_campaign.setdefault(target.campaign_id, {"campaign": target.campaign, "targets": []})
        entry["targets"].append(target)
    organized = []
    if organization.kind == "partner":
        organized = list(
            organization.organized_campaigns.annotate(results_recorded=_results_recorded()).order_by(
                "-is_open", "-created_at"
            )
        )
    return {
        "organization": organization,
        "campaigns": list(by_campaign.values()),
        "organized": organized,
        "commune_count": len(
            {target.commune_id for entry in by_campaign.values() for target in entry["targets"]}
        ),
    }
