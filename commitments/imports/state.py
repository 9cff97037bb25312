"""What the database holds, read once for a whole file: the current frameworks and their
item codes (frameworks.lookup), and the standing declarations of the mandate with their
items. The communes are territories.lookup's."""

from __future__ import annotations

from collections import defaultdict

from frameworks.lookup import FrameworkLookup
from frameworks.models import Framework

from ..models import Declaration, DeclarationItem


def current_frameworks() -> FrameworkLookup:
    """The current frameworks (national and local versions), by slug, title or short
    title, with their items by code ("1" also finds "01"): frameworks.lookup's."""
    return FrameworkLookup(Framework.objects.current().order_by("slug"))


class Standing:
    """The standing declarations (declared or confirmed) of a mandate: their item ids by
    (commune id, framework id, committed by, list key), read in one query."""

    def __init__(self, start_year: int) -> None:
        self.items: dict[tuple, set[int]] = defaultdict(set)
        for commune_id, framework_id, committed_by, list_key, item_id in DeclarationItem.objects.filter(
            declaration__status__in=Declaration.STANDING, declaration__start_year=start_year
        ).values_list(
            "declaration__commune_id",
            "declaration__framework_id",
            "declaration__committed_by",
            "declaration__list_key",
            "item_id",
        ):
            self.items[(commune_id, framework_id, committed_by, list_key)].add(item_id)

    def of(self, key: tuple) -> set[int] | None:
        return self.items.get(key)
