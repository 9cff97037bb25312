"""Reads that are about commitments alone: the communes committed to an item (the item
page's panel), a commune's commitments for the mandate (on the commune page) and a signed
bulletin with all its PDF shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db.models import Min, Prefetch

from frameworks.queries import item_equivalents

from .models import Commitment, CommitmentItem, MandateCommitment

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from frameworks.models import Item
    from territories.models import Commune


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
