"""What the database holds, read once for a whole file: the current frameworks and their
item codes, and the standing declarations of the mandate with their items. The communes
are territories.lookup's."""

from __future__ import annotations

from collections import defaultdict

from frameworks.models import Framework, Item
from territories.normalize import normalize

from ..models import Declaration, DeclarationItem


class Frameworks:
    """The current frameworks (national and local versions), by slug or title, with their
    items by code ("1" also finds "01")."""

    def __init__(self) -> None:
        self.frameworks = list(Framework.objects.current().order_by("slug"))
        self.by_pk = {framework.pk: framework for framework in self.frameworks}
        self.keys: dict[str, list[Framework]] = defaultdict(list)
        for framework in self.frameworks:
            for key in {framework.slug.lower(), normalize(framework.short_title), normalize(framework.title)}:
                if framework not in self.keys[key]:
                    self.keys[key].append(framework)
        self.items: dict[int, dict[str, int]] = defaultdict(dict)
        self.aliases: dict[int, dict[str, int]] = defaultdict(dict)
        for pk, framework_id, code in Item.objects.filter(framework__in=self.frameworks).values_list(
            "pk", "framework_id", "code"
        ):
            self.items[framework_id][code.upper()] = pk
            if code.isdigit():
                self.aliases[framework_id].setdefault(str(int(code)), pk)

    def find(self, given: str) -> list[Framework]:
        return self.keys.get(given.lower()) or self.keys.get(normalize(given), [])

    def item(self, framework_id: int, code: str) -> int | None:
        pk = self.items[framework_id].get(code)
        if pk is None and code.isdigit():
            pk = self.aliases[framework_id].get(str(int(code)))
        return pk


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
