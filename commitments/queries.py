"""Reads that are about commitments alone: the communes committed to an item (the item
page's panel), a commune's commitments for the mandate (on the commune page), a signed
bulletin with all its PDF shows, and the declared commitments (a declaration's page, its
history, its proof file, those waiting for a user's confirmation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db.models import Min, Prefetch

from actors.models import MunicipalContact
from actors.rules import coordinated_partner_ids
from core.history import history_entries
from frameworks.queries import item_equivalents

from .models import PROOF_FOLDER, Commitment, CommitmentItem, Declaration, DeclarationItem, MandateCommitment

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User
    from frameworks.models import Item
    from territories.models import Commune

DECLARATIONS_PAGE_SIZE = 30
HISTORY_MAX = 100


def commune_mandates(commune: Commune) -> QuerySet[MandateCommitment]:
    """The commune's standing commitments for the mandate, latest mandate first, with
    their framework, list and items (and the national items a local item stands for)."""
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


def item_commitments(
    item: Item, *, page: int | str | None = None, per_page: int = 50
) -> dict[str, Page | int]:
    """The communes committed to the item for their mandate, directly or through a local
    version's item that stands for it, and how many bulletins signed it."""
    equivalents = item_equivalents(item)
    committed = MandateCommitment.objects.filter(
        commitment__items__item__in=equivalents, commitment__withdrawn_at__isnull=True
    )
    # One row per commune, even when both its elected list and its council committed.
    first_of_each_commune = committed.order_by().values("commune").annotate(first=Min("pk")).values("first")
    mandates = (
        MandateCommitment.objects.filter(pk__in=first_of_each_commune)
        .select_related("commune__department", "campaign")
        .defer(
            "commune__outline",
            "commune__town_hall_address",
            "commune__department__outline",
            "commune__department__bbox",
        )
        .order_by("commune__search_name", "commune__code")
    )
    signatures = (
        Commitment.objects.filter(items__item__in=equivalents, withdrawn_at__isnull=True).distinct().count()
    )
    return {"mandates": Paginator(mandates, per_page).get_page(page), "signatures_count": signatures}


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
