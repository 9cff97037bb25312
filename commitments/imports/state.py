"""What the database holds, read once for a whole file: every commune (by code, by name
with and without its article, and sorted names for suggestions), the current frameworks
and their item codes, and the standing declarations of the mandate with their items."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass

from frameworks.models import Framework, Item
from territories.models import ARTICLES, Commune, Department, full_name
from territories.normalize import normalize

from ..models import Declaration, DeclarationItem

SUGGESTIONS = 3  # communes suggested for an unknown name
SUGGESTION_MIN_PREFIX = 3  # a name is cut down to this many letters at most to find some
SUGGESTION_SCAN = 2000  # names looked at per prefix, at most
COMMUNES_CHUNK = 5000  # communes fetched per round trip


@dataclass(slots=True)
class CommuneRef:
    pk: int
    code: str
    name: str
    department: str
    kind: str
    is_active: bool
    parent_id: int | None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.department})"

    @property
    def suggestion(self) -> str:
        return f"{self.name} ({self.department}) — {self.code}"


class Communes:
    """Every commune, read once, as plain records: a file may name thousands."""

    def __init__(self) -> None:
        self.by_pk: dict[int, CommuneRef] = {}
        self.by_code: dict[str, CommuneRef] = {}
        self.by_name: dict[str, list[CommuneRef]] = defaultdict(list)
        articles = {name_type: normalize(article) + " " for name_type, article in ARTICLES.items() if article}
        rows = Commune.objects.values_list(
            "pk",
            "code",
            "name",
            "name_type",
            "kind",
            "is_active",
            "department__code",
            "parent_id",
            "search_name",
        ).order_by("code")
        for pk, code, name, name_type, kind, is_active, department, parent_id, search_name in rows.iterator(
            chunk_size=COMMUNES_CHUNK
        ):
            commune = CommuneRef(pk, code, full_name(name, name_type), department, kind, is_active, parent_id)
            self.by_pk[pk] = commune
            self.by_code[code] = commune
            if not is_active or kind != Commune.Kind.COMMUNE:
                continue
            key = search_name.strip()
            self.by_name[key].append(commune)
            article = articles.get(name_type)
            if article and key.startswith(article):
                self.by_name[key[len(article) :]].append(commune)
        self.sorted_names = sorted(self.by_name)
        self.departments = set(Department.objects.values_list("code", flat=True))

    def close_to(self, key: str, department: str | None = None) -> list[CommuneRef]:
        """Up to SUGGESTIONS communes whose name starts like `key` (dropping its last letters until some match)."""
        found: list[CommuneRef] = []
        probe = key
        while len(probe) >= SUGGESTION_MIN_PREFIX and not found:
            index = bisect_left(self.sorted_names, probe)
            end = min(len(self.sorted_names), index + SUGGESTION_SCAN)
            while index < end and self.sorted_names[index].startswith(probe) and len(found) < SUGGESTIONS:
                for commune in self.by_name[self.sorted_names[index]]:
                    if (department is None or commune.department == department) and commune not in found:
                        found.append(commune)
                index += 1
            probe = probe[:-1]
        return found[:SUGGESTIONS]


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
