"""Reads of campaigns: public pages, map data, counts, exports, the commune page's panel.
(The item page's panel, a commune's commitments for the mandate and a bulletin for its PDF
are commitments.queries.)"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from commitments.models import Commitment, CommitmentItem
from commitments.queries import commune_mandates
from frameworks.queries import framework_with_local_versions, item_equivalents
from territories.models import full_name
from territories.normalize import normalize
from territories.queries import prefix

from .models import Campaign, CandidateList, Target

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from frameworks.models import Framework, Item
    from territories.models import Commune

STATUS_CODES = {status: index for index, status in enumerate(Target.Status.values)}


def campaigns_public() -> QuerySet[Campaign]:
    return Campaign.objects.annotate(
        target_count=Count("targets", distinct=True),
        committed_count=Count("targets", filter=Q(targets__status=Target.Status.COMMITTED), distinct=True),
    ).order_by("-is_open", "-created_at")


def campaign_get(slug: str) -> Campaign | None:
    return Campaign.objects.filter(slug=slug).prefetch_related("frameworks", "organizers").first()


def campaign_counts(campaign: Campaign) -> dict[str, Any]:
    """Targets by status: in total, per region and per department (one query)."""
    rows = (
        Target.objects.filter(campaign=campaign)
        .values(
            "status",
            "commune__department__code",
            "commune__department__name",
            "commune__department__region__code",
            "commune__department__region__name",
        )
        .annotate(n=Count("pk"))
    )
    total = dict.fromkeys(Target.Status.values, 0)
    regions, departments = {}, {}
    for row in rows:
        total[row["status"]] += row["n"]
        region = regions.setdefault(
            row["commune__department__region__code"],
            {
                "code": row["commune__department__region__code"],
                "name": row["commune__department__region__name"],
                "counts": dict.fromkeys(Target.Status.values, 0),
            },
        )
        region["counts"][row["status"]] += row["n"]
        department = departments.setdefault(
            row["commune__department__code"],
            {
                "code": row["commune__department__code"],
                "name": row["commune__department__name"],
                "counts": dict.fromkeys(Target.Status.values, 0),
            },
        )
        department["counts"][row["status"]] += row["n"]
    for group in list(regions.values()) + list(departments.values()):
        group["total"] = sum(group["counts"].values())
        group["ordered"] = [group["counts"][status] for status in Target.Status.values]
    return {
        "total": total,
        "total_count": sum(total.values()),
        "ordered": [(status, label, total[status]) for status, label in Target.Status.choices],
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
    """Prefetch what the public list shows: lists and active commitments (2 queries)."""
    return targets.prefetch_related(
        Prefetch("lists", queryset=CandidateList.objects.order_by("name")),
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
        .values_list("commune__longitude", "commune__latitude", "status", "commune__code", "commune__name")
    )
    return [
        [round(lon, 4), round(lat, 4), STATUS_CODES[status], code, name]
        for lon, lat, status, code, name in rows
    ]


def target_get(campaign: Campaign, code: str) -> Target | None:
    return (
        Target.objects.filter(campaign=campaign, commune__code=code)
        .select_related("commune__department__region", "commune__epci", "group", "campaign")
        .first()
    )


def target_public(target: Target) -> dict[str, QuerySet]:
    """Lists with their active and withdrawn commitments and chosen items."""
    commitments = Commitment.objects.select_related("framework", "candidate_list").prefetch_related(
        Prefetch("items", queryset=CommitmentItem.objects.select_related("item__framework", "level"))
    )
    lists = target.lists.order_by("name").prefetch_related(Prefetch("commitments", queryset=commitments))
    municipality = commitments.filter(target=target, candidate_list__isnull=True)
    return {"lists": lists, "municipality_commitments": municipality}


def target_private(target: Target) -> dict[str, QuerySet]:
    return {
        "steps": target.steps.select_related("candidate_list", "created_by").order_by("-date", "-created_at"),
        "invitations": target.invitations.select_related("candidate_list", "framework").order_by(
            "-created_at"
        )[:50],
    }


def commune_campaigns(commune: Commune) -> dict[str, QuerySet]:
    """For the commune page: its campaigns, lists, signatories and commitments for the mandate."""
    commitments = (
        Commitment.objects.filter(withdrawn_at__isnull=True)
        .select_related("framework")
        .prefetch_related(
            Prefetch("items", queryset=CommitmentItem.objects.select_related("item__framework"))
        )
    )
    targets = (
        Target.objects.filter(commune=commune)
        .select_related("campaign", "commune", "group")
        .prefetch_related(
            Prefetch("lists", queryset=CandidateList.objects.order_by("name")),
            Prefetch("commitments", queryset=commitments, to_attr="active_commitments"),
        )
        .order_by("-campaign__created_at")
    )
    return {"campaign_targets": targets, "mandates": commune_mandates(commune)}


EXPORT_HEADER = [
    "code_insee",
    "commune",
    "departement",
    "region",
    "statut",
    "groupe_local",
    "liste",
    "tete_de_liste",
    "etiquette",
    "elue",
    "referentiel",
    "signataire",
    "qualite",
    "date_signature",
    "engagements",
    "engagements_nationaux",
]


def campaign_export_rows(campaign: Campaign, **filters: str | Framework | Item | None) -> Iterator[list[str]]:
    """Public data of a campaign, one row per target, list and signed bulletin (header first).

    Plain tuples all the way (no model instances): a campaign of thousands of communes
    exports in a few seconds. Never exported: contact emails, the log, invitations."""
    targets = campaign_targets(campaign, **filters)
    target_ids = targets.values("pk")
    labels = {status: str(label) for status, label in Target.Status.choices}
    lists = _export_lists(target_ids)
    bulletins = _export_bulletins(target_ids, *_export_item_codes(target_ids))
    yield EXPORT_HEADER
    rows = targets.values_list(
        "pk",
        "commune__code",
        "commune__name",
        "commune__name_type",
        "commune__department__code",
        "commune__department__region__name",
        "status",
        "group__name",
    )
    for pk, code, name, name_type, department, region, status, group in rows.iterator(chunk_size=2000):
        base = [code, full_name(name, name_type), department, region, labels[status], group or ""]
        yield from _export_target_rows(base, lists.get(pk, []), bulletins.get(pk, {}))


def _export_lists(target_ids: QuerySet[Target]) -> dict[int, list[tuple]]:
    """The targets' lists by name, by target: (pk, name, head of the list, label, elected)."""
    lists = defaultdict(list)
    for row in (
        CandidateList.objects.filter(target__in=target_ids)
        .order_by("name")
        .values_list("target_id", "pk", "name", "head_name", "political_label", "is_elected")
    ):
        lists[row[0]].append(row[1:])
    return lists


def _export_item_codes(target_ids: QuerySet[Target]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """By active bulletin: the codes of its items, and of the national items they count for."""
    codes, national_codes = defaultdict(list), defaultdict(list)
    for commitment_id, code, parent, national in (
        CommitmentItem.objects.filter(
            commitment__target__in=target_ids, commitment__withdrawn_at__isnull=True
        )
        .order_by("commitment_id", "item__position", "item__national_items__position")
        .values_list(
            "commitment_id", "item__code", "item__framework__parent_id", "item__national_items__code"
        )
    ):
        if code not in codes[commitment_id]:
            codes[commitment_id].append(code)
        # A local item counts for the national items it stands for; a national item, for itself.
        national_code = national if parent else code
        if national_code and national_code not in national_codes[commitment_id]:
            national_codes[commitment_id].append(national_code)
    return codes, national_codes


def _export_bulletins(
    target_ids: QuerySet[Target], codes: dict[int, list[str]], national_codes: dict[int, list[str]]
) -> dict[int, dict[int | None, list[list[str]]]]:
    """The cells of the active bulletins, oldest first, by target and list (None: the
    municipality's): framework, signatory, role, date, items, national items."""
    bulletins = defaultdict(lambda: defaultdict(list))
    for target_id, list_id, pk, framework, signatory, role, signed_on in (
        Commitment.objects.filter(target__in=target_ids, withdrawn_at__isnull=True)
        .order_by("signed_on", "pk")
        .values_list(
            "target_id",
            "candidate_list_id",
            "pk",
            "framework__slug",
            "signatory_name",
            "signatory_role",
            "signed_on",
        )
    ):
        bulletins[target_id][list_id].append(
            [
                framework,
                signatory,
                role,
                signed_on.isoformat(),
                ";".join(codes.get(pk, [])),
                ";".join(national_codes.get(pk, [])),
            ]
        )
    return bulletins


def _export_target_rows(
    base: list[str], lists: list[tuple], bulletins: dict[int | None, list[list[str]]]
) -> Iterator[list[str]]:
    """A target's rows: each list with each of its bulletins (or alone when it has none),
    then the municipality's bulletins; the target alone when it has neither."""
    entries = [(row[0], list(row[1:4]) + ["oui" if row[4] else "non"]) for row in lists]
    entries.append((None, ["", "", "", ""]))
    wrote = False
    for list_id, list_cells in entries:
        signed = bulletins.get(list_id, [])
        for cells in signed:
            wrote = True
            yield base + list_cells + cells
        if list_id is not None and not signed:
            wrote = True
            yield base + list_cells + [""] * 6
    if not wrote:
        yield base + [""] * 10
