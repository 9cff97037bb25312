"""Validation of each row on its own (the commune, the framework and its items, the date,
who committed, the proof), against what the database holds (state.py; the communes are
territories.lookup's). The rules are commitments.declaring's, as for a declaration made
on the site."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext

from core.spreadsheets import Cell, date_of, text
from frameworks.lookup import FrameworkLookup
from territories.lookup import CommuneRef, Communes
from territories.normalize import normalize

from .. import declaring
from ..models import Declaration
from .report import RowOutcome

CODE_SEPARATORS = re.compile(r"[;,\s]+")
# commitments.declaring's fields, as the file's columns.
COLUMN_OF = {
    "items": "engagements",
    "committed_on": "date",
    "committed_by": "engage_par",
    "list_name": "nom_liste",
    "head_name": "tete_de_liste",
    "proof_url": "lien_preuve",
    "deliberation_reference": "deliberation",
}
COMMITTERS = {"liste": Declaration.CommittedBy.LIST, "conseil": Declaration.CommittedBy.COUNCIL}


@dataclass(slots=True)
class Row:
    outcome: RowOutcome
    commune: CommuneRef | None = None
    framework_id: int | None = None
    item_ids: tuple[int, ...] = ()
    committed_on: date | None = None
    committed_by: str = ""
    list_name: str = ""
    head_name: str = ""
    proof_url: str = ""
    reference: str = ""

    @property
    def key(self) -> tuple:
        """(commune id, framework id, committed by, list key): one standing declaration each."""
        return (
            self.commune.pk if self.commune else None,
            self.framework_id,
            self.committed_by,
            declaring.list_key(self.committed_by, self.list_name),
        )


class Validator:
    def __init__(
        self, communes: Communes, frameworks: FrameworkLookup, *, years: tuple[int, int], today: date
    ):
        self.communes = communes
        self.frameworks = frameworks
        self.years = years
        self.today = today

    def row(self, line: int, values: dict[str, Cell], extra: str | None) -> Row:
        row = Row(RowOutcome(line=line))
        if extra:
            row.outcome.error(extra, gettext("This line has a value in a column without a header."))
        row.commune = self.communes.from_row(values, row.outcome)
        self.framework(row, values)
        self.commitment(row, values)
        return row

    # The framework and its items

    def framework(self, row: Row, values: dict[str, Cell]) -> None:
        outcome, given = row.outcome, text(values, "referentiel")
        if not given:
            outcome.error(
                "referentiel",
                gettext("Give the framework (its identifier, such as pacte-pour-la-transition)."),
            )
            return
        found = self.frameworks.find(given)
        if len(found) != 1:
            message = (
                gettext("“%(value)s” matches several frameworks: use one of %(choices)s.")
                if found
                else gettext("Unknown framework “%(value)s”. Possible values: %(choices)s.")
            )
            choices = found or self.frameworks.frameworks
            outcome.error(
                "referentiel", message % {"value": given, "choices": ", ".join(f.slug for f in choices)}
            )
            return
        framework = found[0]
        row.framework_id, outcome.framework = framework.pk, framework.short_title
        codes = [code for code in CODE_SEPARATORS.split(text(values, "engagements").upper()) if code]
        if not codes:
            outcome.error("engagements", gettext("Give at least one item code."))
            return
        found_ids, unknown = [], []
        for code in codes:
            pk = self.frameworks.item(framework.pk, code)
            if pk is None:
                unknown.append(code)
            elif pk not in found_ids:
                found_ids.append(pk)
        if unknown:
            outcome.error(
                "engagements",
                gettext("Unknown item codes for %(framework)s: %(codes)s.")
                % {"framework": framework.short_title, "codes": ", ".join(dict.fromkeys(unknown))},
            )
            return
        row.item_ids = tuple(found_ids)

    # The commitment: its date, who committed, its proof

    def commitment(self, row: Row, values: dict[str, Cell]) -> None:
        outcome = row.outcome
        committed_on = date_of(values.get("date", ""))
        if committed_on is False:
            outcome.error(
                "date",
                gettext("Unreadable date: write it as DD/MM/YYYY (for example 15/03/2026) or YYYY-MM-DD."),
            )
        else:
            row.committed_on = committed_on
            self.problems(outcome, declaring.date_problems(committed_on, years=self.years, today=self.today))
        given = normalize(text(values, "engage_par"))
        row.committed_by = next((value for word, value in COMMITTERS.items() if given.startswith(word)), "")
        if not row.committed_by:
            outcome.error(
                "engage_par",
                gettext("Write “liste” (the elected list) or “conseil” (the municipal council)."),
            )
        else:
            row.list_name, row.head_name = text(values, "nom_liste"), text(values, "tete_de_liste")
            self.problems(
                outcome, declaring.committer_problems(row.committed_by, row.list_name, row.head_name)
            )
        row.proof_url, row.reference = text(values, "lien_preuve"), text(values, "deliberation")
        self.problems(
            outcome, declaring.proof_problems(has_file=False, url=row.proof_url, reference=row.reference)
        )
        outcome.committer = row.list_name if row.committed_by == Declaration.CommittedBy.LIST else ""

    def problems(self, outcome: RowOutcome, problems: declaring.Problems) -> None:
        for field_name, message in problems:
            outcome.error(COLUMN_OF.get(field_name, field_name), message)
