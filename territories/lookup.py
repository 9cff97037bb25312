"""Finding the communes a spreadsheet names, for the imports (campaigns', commitments').

Every commune is read once into dictionaries (a few queries, whatever the number of rows):
by INSEE code, and, for the communes of today, by normalised name (territories.normalize)
with and without its article; sorted names give cheap "did you mean" suggestions. A row
names its commune by its code, or by its name and maybe its department:

    communes = Communes()
    commune = communes.from_row(values, outcome)  # a CommuneRef, or None after an error

The errors go to the row's outcome (core.imports.RowOutcome) under the row's columns
(COLUMNS: code_insee, commune, departement), with the communes it may have meant."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.utils.translation import gettext

from core.imports import RowOutcome
from core.spreadsheets import Cell, text

from .models import ARTICLES, Commune, Department, full_name
from .normalize import normalize

SUGGESTIONS = 3  # communes suggested for an unknown name
SUGGESTION_MIN_PREFIX = 3  # a name is cut down to this many letters at most to find some
SUGGESTION_SCAN = 2000  # names looked at per prefix, at most
COMMUNES_CHUNK = 5000  # communes fetched per round trip
INSEE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")


class Columns(NamedTuple):
    """The columns of a row that name its commune."""

    code: str
    name: str
    department: str


# French data, not interface text: the headers of the imports' files.
COLUMNS = Columns(code="code_insee", name="commune", department="departement")


@dataclass(slots=True)
class CommuneRef:
    """A commune as a plain record (a file may name thousands)."""

    pk: int
    code: str
    name: str  # with its article: "L'Abergement-Clémenciat"
    department: str  # its code
    kind: str
    is_active: bool
    parent_id: int | None  # an arrondissement's city

    @property
    def label(self) -> str:
        return f"{self.name} ({self.department})"

    @property
    def suggestion(self) -> str:
        return f"{self.name} ({self.department}) — {self.code}"


class Communes:
    """Every commune, read once: `by_pk`, `by_code`, `by_name` (normalised name, with and
    without its article: the communes of today only), `sorted_names`, and the codes of the
    `departments`."""

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
        self._keys: dict[str, str] = {}
        self._suggested: dict[tuple[str, str | None], list[CommuneRef]] = {}

    def key(self, name: str) -> str:
        """The normalised name (remembered: a file names the same communes again and again)."""
        if name not in self._keys:
            self._keys[name] = normalize(name)
        return self._keys[name]

    def close_to(self, key: str, department: str | None = None) -> list[CommuneRef]:
        """Up to SUGGESTIONS communes whose name starts like `key` (dropping its last letters until some match)."""
        cache_key = (key, department)
        if cache_key not in self._suggested:
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
            self._suggested[cache_key] = found[:SUGGESTIONS]
        return self._suggested[cache_key]

    def from_row(
        self, values: dict[str, Cell], outcome: RowOutcome, columns: Columns = COLUMNS
    ) -> CommuneRef | None:
        """The commune a row names in its `columns`; None after an error (told to `outcome`)."""
        return self.find(
            outcome,
            code=text(values, columns.code),
            name=text(values, columns.name),
            department=text(values, columns.department),
            columns=columns,
        )

    def find(
        self,
        outcome: RowOutcome,
        *,
        code: str,
        name: str = "",
        department: str = "",
        columns: Columns = COLUMNS,
    ) -> CommuneRef | None:
        """The commune of this INSEE code (checked against the name and department when
        given), or of this name (in this department); None after an error. Sets
        `outcome.commune` to what people read: the commune found, else what the row says."""
        code = code.upper().replace(" ", "")
        department = department.upper().replace(" ", "")
        if code.isdigit() and len(code) == 4:  # a spreadsheet dropped the leading zero
            code = "0" + code
        if department.isdigit() and len(department) == 1:
            department = "0" + department
        outcome.commune = name or code
        if department and department not in self.departments:
            outcome.error(
                columns.department,
                gettext("Unknown department “%(department)s”.") % {"department": department},
            )
            department = ""
        if code:
            commune = self._by_code(outcome, columns, code, name, department)
        elif name:
            commune = self._by_name(outcome, columns, name, department)
        else:
            commune = None
            outcome.error(columns.name, gettext("Give the INSEE code or the name of the commune."))
        if commune is not None:
            outcome.commune = commune.label
        return commune

    def _by_code(
        self, outcome: RowOutcome, columns: Columns, code: str, name: str, department: str
    ) -> CommuneRef | None:
        if not INSEE_CODE.match(code):
            outcome.error(columns.code, gettext("An INSEE code has 5 characters, such as 93066 or 2A004."))
            return None
        commune = self.by_code.get(code)
        if commune is None:
            outcome.error(columns.code, gettext("Unknown INSEE code %(code)s.") % {"code": code})
            if name:
                self._suggest(outcome, name, department)
            return None
        if commune.kind != Commune.Kind.COMMUNE:
            self._arrondissement(outcome, columns, commune)
            return None
        if not commune.is_active:
            outcome.error(
                columns.code,
                gettext(
                    "The commune %(commune)s (%(code)s) no longer exists: use the code of the new commune."
                )
                % {"commune": commune.label, "code": code},
            )
            return None
        if self._disagrees(outcome, columns, commune, name, department):
            outcome.suggestions.append(commune.suggestion)
            return None
        return commune

    def _arrondissement(self, outcome: RowOutcome, columns: Columns, commune: CommuneRef) -> None:
        city = self.by_pk.get(commune.parent_id)
        if city:
            message = gettext(
                "%(commune)s is a municipal arrondissement: use the code of its city, %(city)s."
            )
            outcome.suggestions.append(city.suggestion)
        else:
            message = gettext("%(commune)s is a municipal arrondissement: use the code of its city.")
        outcome.error(
            columns.code,
            message % {"commune": commune.label, "city": f"{city.name} ({city.code})" if city else ""},
        )

    def _disagrees(
        self, outcome: RowOutcome, columns: Columns, commune: CommuneRef, name: str, department: str
    ) -> bool:
        """Whether the name or the department given is not the commune's (an error each)."""
        problem = False
        if name and commune not in self.by_name.get(self.key(name), ()):
            outcome.error(
                columns.name,
                gettext("The INSEE code %(code)s is %(commune)s, not “%(name)s”.")
                % {"code": commune.code, "commune": commune.label, "name": name},
            )
            problem = True
        if department and department != commune.department:
            outcome.error(
                columns.department,
                gettext("%(commune)s is in the department %(department)s, not %(given)s.")
                % {"commune": commune.name, "department": commune.department, "given": department},
            )
            problem = True
        return problem

    def _by_name(
        self, outcome: RowOutcome, columns: Columns, name: str, department: str
    ) -> CommuneRef | None:
        candidates = self.by_name.get(self.key(name), [])
        if department:
            in_department = [commune for commune in candidates if commune.department == department]
            if not in_department:
                outcome.error(
                    columns.name,
                    gettext("No commune named “%(name)s” in the department %(department)s.")
                    % {"name": name, "department": department},
                )
                outcome.suggestions.extend(commune.suggestion for commune in candidates[:SUGGESTIONS])
                if not candidates:
                    self._suggest(outcome, name, department)
                return None
            candidates = in_department
        if len(candidates) > 1:
            # "Vergné" is Vergné, not La Vergne (the same once accents and articles go).
            spelled = " ".join(name.split()).casefold()
            exact = [commune for commune in candidates if commune.name.casefold() == spelled]
            candidates = exact if len(exact) == 1 else candidates
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            outcome.error(
                columns.name,
                gettext("Several communes are named “%(name)s”: add the department or the INSEE code.")
                % {"name": name},
            )
            outcome.suggestions.extend(
                commune.suggestion for commune in sorted(candidates, key=lambda commune: commune.code)
            )
        else:
            outcome.error(columns.name, gettext("No commune named “%(name)s”.") % {"name": name})
            self._suggest(outcome, name, department)
        return None

    def _suggest(self, outcome: RowOutcome, name: str, department: str) -> None:
        """Communes of a close name (in the department, else anywhere)."""
        key = self.key(name)
        if key:
            found = self.close_to(key, department or None) or (self.close_to(key) if department else [])
            outcome.suggestions.extend(commune.suggestion for commune in found)
