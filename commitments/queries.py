"""Reads that are about commitments alone: the communes committed to an item (the item
page's panel) and what a commune committed to (the commune page), both consolidated from
bulletins, deliberations and declarations by consolidation.py; a signed bulletin with all
its PDF shows; and the declared commitments (a declaration's page, its history, its proof
file, those waiting for a user's confirmation)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, prefetch_related_objects

from actors.models import MunicipalContact
from actors.rules import coordinated_partner_ids
from core.history import history_entries
from frameworks.queries import item_equivalents
from territories.models import Commune

from .consolidation import FrameworkCommitments, consolidate
from .models import PROOF_FOLDER, Commitment, CommitmentItem, Declaration, DeclarationItem, MandateCommitment

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.db.models import QuerySet

    from accounts.models import User
    from frameworks.models import Item

DECLARATIONS_PAGE_SIZE = 30
HISTORY_MAX = 100
# Lists of communes never show their outlines nor their town hall's address.
COMMUNE_DEFERRED = ("outline", "town_hall_address", "department__outline", "department__bbox")


def commune_mandates(commune: Commune) -> QuerySet[MandateCommitment]:
    """The commune's standing commitments for the mandate on the platform (bulletins and
    deliberations, not declarations), latest mandate first, with their framework, list and
    items (and the national items a local item stands for). The pages show
    `commune_commitments`, which adds the declared commitments and consolidates them."""
    return (
        MandateCommitment.objects.filter(commune=commune, commitment__withdrawn_at__isnull=True)
        .select_related("campaign", "commitment__framework__parent", "commitment__candidate_list")
        .prefetch_related(
            Prefetch(
                "commitment__items",
                queryset=CommitmentItem.objects.select_related("item__framework").prefetch_related(
                    "item__national_items"
                ),
            )
        )
        .order_by("-start_year")
    )


def _mandate_items() -> QuerySet[CommitmentItem]:
    """Items of standing bulletins that are commitments for the mandate, with what the
    consolidation shows of them."""
    return CommitmentItem.objects.filter(
        commitment__withdrawn_at__isnull=True, commitment__mandate__isnull=False
    ).select_related(
        "commitment__mandate__campaign",
        "commitment__framework__parent",
        "commitment__candidate_list",
        "item__framework",
        "item__section",
        "level",
    )


def _declared_items() -> QuerySet[DeclarationItem]:
    """Items of standing declarations (declared or confirmed), with who declared and decided."""
    return DeclarationItem.objects.filter(declaration__status__in=Declaration.STANDING).select_related(
        "declaration__framework__parent",
        "declaration__declared_by",
        "declaration__declared_for",
        "declaration__decided_by",
        "declaration__decided_for",
        "item__framework",
        "item__section",
        "level",
    )


def commune_commitments(commune: Commune) -> list[FrameworkCommitments]:
    """What the commune committed to, per framework and mandate (latest first), each item
    once with its sources: bulletins and deliberations for the mandate, standing
    declarations (consolidation.py). Three queries: the two kinds of rows, then the
    national items the local items stand for."""
    return communes_commitments([commune])[commune.pk]


def communes_commitments(communes: Sequence[Commune]) -> dict[int, list[FrameworkCommitments]]:
    """`commune_commitments` of several communes at once, by commune id, in the same three
    queries whatever their number (« Ma commune » of a contact of several communes)."""
    by_id = {commune.pk: commune for commune in communes}
    blocks = consolidate(
        _mandate_items().filter(commitment__mandate__commune__in=list(by_id)),
        _declared_items().filter(declaration__commune__in=list(by_id)),
        by_id,
    )
    prefetch_related_objects([entry.item for block in blocks for entry in block.items], "national_items")
    result: dict[int, list[FrameworkCommitments]] = {pk: [] for pk in by_id}
    for block in blocks:
        result[block.commune.pk].append(block)
    return result


@dataclass(eq=False)
class CommuneCommitments:
    """A commune on an item's page, with its commitments to the item (one block per
    framework and mandate, usually one)."""

    commune: Commune
    blocks: list[FrameworkCommitments]

    @property
    def confirmed(self) -> bool:
        return any(block.confirmed for block in self.blocks)


def item_commitments(item: Item, *, page: int | str | None = None, per_page: int = 50) -> dict[str, Any]:
    """The communes committed to the item for their mandate, directly or through a local
    version's item that stands for it, by a bulletin, a deliberation or a standing
    declaration (those only declared, to be confirmed, shown as such), each once with its
    sources; how many are committed, how many await a confirmation, and how many bulletins
    signed the item (campaigns' lists, elected or not). Five queries."""
    equivalents = item_equivalents(item)
    on_platform = MandateCommitment.objects.filter(
        commitment__withdrawn_at__isnull=True, commitment__items__item__in=equivalents
    ).values("commune_id")
    declared = Declaration.objects.filter(items__item__in=equivalents)
    confirmed = Q(pk__in=on_platform) | Q(
        pk__in=declared.filter(status=Declaration.Status.CONFIRMED).values("commune_id")
    )
    communes = Commune.objects.filter(
        confirmed | Q(pk__in=declared.filter(status=Declaration.Status.DECLARED).values("commune_id"))
    )
    counts = communes.aggregate(total=Count("pk"), confirmed=Count("pk", filter=confirmed))
    paginator = Paginator(
        communes.select_related("department").defer(*COMMUNE_DEFERRED).order_by("search_name", "code"),
        per_page,
    )
    paginator.count = counts["total"]  # already counted: no second COUNT
    result = paginator.get_page(page)
    on_page = {commune.pk: commune for commune in result.object_list}
    blocks = consolidate(
        _mandate_items().filter(item__in=equivalents, commitment__mandate__commune__in=list(on_page)),
        _declared_items().filter(item__in=equivalents, declaration__commune__in=list(on_page)),
        on_page,
    )
    result.object_list = [
        CommuneCommitments(commune, [block for block in blocks if block.commune is commune])
        for commune in on_page.values()
    ]
    signatures = (
        Commitment.objects.filter(items__item__in=equivalents, withdrawn_at__isnull=True).distinct().count()
    )
    return {
        "communes": result,
        "committed_count": counts["confirmed"],
        "to_confirm_count": counts["total"] - counts["confirmed"],
        "signatures_count": signatures,
    }


def commitment_for_document(pk: int) -> Commitment | None:
    """A bulletin with what its PDF shows: the campaign, commune, group, framework, list and
    items (through campaigns' models by their foreign keys' names, no import)."""
    return (
        Commitment.objects.filter(pk=pk)
        .select_related(
            "target__campaign", "target__commune__department", "target__group", "framework", "candidate_list"
        )
        .prefetch_related(
            Prefetch("items", queryset=CommitmentItem.objects.select_related("item__framework", "level"))
        )
        .first()
    )


# Declared commitments ---------------------------------------------------------------------


def _declarations() -> QuerySet[Declaration]:
    return Declaration.objects.select_related(
        "commune__department", "framework", "declared_by", "declared_for", "decided_by", "decided_for"
    ).defer(
        "commune__outline",
        "commune__town_hall_address",
        "commune__department__outline",
        "commune__department__bbox",
    )


def _with_items(declarations: QuerySet[Declaration]) -> QuerySet[Declaration]:
    return declarations.prefetch_related(
        Prefetch(
            "items",
            queryset=DeclarationItem.objects.select_related("item__section", "level").order_by(
                "item__section__position", "item__position"
            ),
        )
    )


def declaration_get(commune: Commune, pk: int) -> Declaration | None:
    """A declaration of the commune, with its items (and their sections and levels)."""
    return _with_items(_declarations().filter(commune=commune, pk=pk)).first()


def declaration_history(declaration: Declaration) -> list[dict]:
    """Who declared, confirmed, refused or withdrew it, and when (latest first)."""
    records = list(Declaration.history.filter(id=declaration.pk).order_by("-history_date")[:HISTORY_MAX])
    entries = history_entries(records, label=lambda record: declaration.framework.short_title)
    entries.sort(key=lambda entry: entry["date"], reverse=True)
    return entries


def declaration_proof_get(name: str) -> Declaration | None:
    """The declaration whose proof file has this name (in the proofs' folder)."""
    return Declaration.objects.filter(proof_file=f"{PROOF_FOLDER}/{name}").select_related("commune").first()


def declarations_to_confirm(user: User, *, page: int | str | None = None) -> Page:
    """The declarations waiting for a confirmation that this user may give: every one for
    a partner coordinator, those of their communes for a municipal contact; never their own."""
    waiting = Declaration.objects.filter(status=Declaration.Status.DECLARED).exclude(declared_by=user)
    if not coordinated_partner_ids(user):
        waiting = waiting.filter(
            commune__in=MunicipalContact.objects.filter(
                user=user, status=MunicipalContact.Status.VERIFIED
            ).values("commune_id")
        )
    declarations = _with_items(_declarations().filter(pk__in=waiting.values("pk"))).order_by(
        "declared_at", "pk"
    )
    result = Paginator(declarations, DECLARATIONS_PAGE_SIZE).get_page(page)
    result.object_list = list(result.object_list)
    return result
