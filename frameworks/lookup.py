"""Finding the frameworks, items and levels a spreadsheet names, for the imports
(campaigns' signed bulletins, commitments' declarations).

The frameworks given, their items and (on demand) their levels are read once into
dictionaries (two or three queries, whatever the number of rows):

    lookup = FrameworkLookup(campaign.frameworks.all(), levels=True)
    lookup.find("Pacte pour la transition")  # [framework]: by slug, title or short title
    lookup.item(framework.pk, "7")           # the id of item "07" ("7" finds "07")
    lookup.level(item_id, "2")               # the id of its level "2" (by code or title)

A framework is named by its slug (any case), its title or its short title, compared
normalised (territories.normalize: no case, accents or punctuation); a name several
frameworks share (two versions of one framework) gives them all, for the caller to say so.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from territories.normalize import normalize

from .models import Framework, Item, Level

# "2 — Au moins 75 %…" (a level as the exports and the templates' lists write it).
CODE_AND_TITLE = re.compile(r"^\s*(\S{1,20})\s+[—–-]\s+\S")
LEVEL_SEPARATOR = " — "


def level_label(code: str, title: str) -> str:
    """A level as the spreadsheets write it, read back by FrameworkLookup.level."""
    return f"{code}{LEVEL_SEPARATOR}{title}"


class FrameworkLookup:
    """The given frameworks by slug, title and short title, with their items by code and,
    when `levels`, the items' levels by code and title."""

    def __init__(self, frameworks: Iterable[Framework], *, levels: bool = False) -> None:
        self.frameworks: list[Framework] = list(frameworks)
        self.by_pk = {framework.pk: framework for framework in self.frameworks}
        self.keys: dict[str, list[Framework]] = defaultdict(list)
        for framework in self.frameworks:
            for key in {framework.slug.lower(), normalize(framework.short_title), normalize(framework.title)}:
                if key and framework not in self.keys[key]:
                    self.keys[key].append(framework)
        self.normalized: dict[str, str] = {}  # memo: the same few names come back row after row
        self.items: dict[int, dict[str, int]] = defaultdict(dict)  # framework id -> {CODE: item id}
        self.aliases: dict[int, dict[str, int]] = defaultdict(dict)  # framework id -> {"1": id of "01"}
        self.codes: dict[int, str] = {}  # item id -> its code, by framework and position
        items = Item.objects.filter(framework__in=self.frameworks).order_by("framework_id", "position", "pk")
        for pk, framework_id, code in items.values_list("pk", "framework_id", "code"):
            self.items[framework_id][code.upper()] = pk
            self.codes[pk] = code
            if code.isdigit():
                self.aliases[framework_id].setdefault(str(int(code)), pk)
        self.levels: dict[int, dict[str, int]] = defaultdict(dict)  # item id -> {key: level id}
        self.level_codes: dict[int, list[str]] = defaultdict(list)  # item id -> its levels' codes
        self.item_levels: dict[int, list[int]] = defaultdict(list)  # item id -> its levels' ids
        self.level_labels: dict[int, str] = {}  # level id -> "code — title"
        if levels:
            self._read_levels()

    def _read_levels(self) -> None:
        for pk, item_id, code, title in (
            Level.objects.filter(item__framework__in=self.frameworks)
            .order_by("item_id", "position", "pk")
            .values_list("pk", "item_id", "code", "title")
        ):
            keys = self.levels[item_id]
            keys.setdefault(code.casefold(), pk)
            keys.setdefault(normalize(title), pk)
            self.level_codes[item_id].append(code)
            self.item_levels[item_id].append(pk)
            self.level_labels[pk] = level_label(code, title)

    def find(self, given: str) -> list[Framework]:
        """The frameworks named `given` (none, one, or several versions)."""
        found = self.keys.get(given.lower())
        if found:
            return found
        if given not in self.normalized:
            self.normalized[given] = normalize(given)
        return self.keys.get(self.normalized[given], [])

    def item(self, framework_id: int, code: str) -> int | None:
        """The id of the framework's item of this code (upper case; "1" finds "01")."""
        pk = self.items[framework_id].get(code)
        if pk is None and code.isdigit():
            pk = self.aliases[framework_id].get(str(int(code)))
        return pk

    def level(self, item_id: int, given: str) -> int | None:
        """The id of the item's level given by its code, its title, or both ("2 — …")."""
        keys = self.levels.get(item_id)
        if not keys or not given:
            return None
        pk = keys.get(given.casefold())
        if pk is None and (match := CODE_AND_TITLE.match(given)):
            pk = keys.get(match.group(1).casefold())
        if pk is None:
            pk = keys.get(normalize(given))
        return pk
