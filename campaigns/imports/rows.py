"""Validation of each row on its own (the commune, the list or the municipality, the
framework and its items, the signature), against what the database holds (state.py; the
communes are territories.lookup's)."""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils import timezone
from django.utils.translation import gettext

from core.spreadsheets import date_of, text
from territories.lookup import CommuneRef
from territories.normalize import normalize

from .report import RowOutcome
from .state import _fold

MAX_LENGTHS = {
    "liste": 200,
    "tete_de_liste": 150,
    "email": 254,
    "etiquette": 100,
    "signataire": 150,
    "qualite": 150,
}
TRUE_VALUES = {"oui", "o", "1", "x", "vrai", "true", "yes", "y"}
FALSE_VALUES = {"", "non", "n", "0", "faux", "false", "no"}
CODE_SEPARATORS = re.compile(r"[;,\s]+")


@dataclass(slots=True)
class _Row:
    outcome: RowOutcome
    commune: CommuneRef | None = None
    list_name: str = ""
    list_key: str = ""  # the name folded (_fold), as lists are matched
    head_name: str = ""
    email: str = ""
    label: str = ""
    framework_id: int | None = None
    item_ids: tuple = ()
    signatory: str = ""
    role: str = ""
    signed_on: date | None = None
    elected: bool = False


def _required():
    return gettext("Required.")


class _Validator:
    def __init__(self, campaign, communes, state):
        self.campaign = campaign
        self.kind = campaign.kind_spec
        self.head_role = gettext("head of list")
        self.communes = communes
        self.state = state
        self.today = timezone.localdate()
        self.email_validator = EmailValidator()
        self.normalized = {}

    def key(self, name):
        if name not in self.normalized:
            self.normalized[name] = normalize(name)
        return self.normalized[name]

    def row(self, line, values, extra):
        outcome = RowOutcome(line=line)
        row = _Row(outcome)
        if extra:
            outcome.error(extra, gettext("This line has a value in a column without a header."))
        row.commune = self.communes.from_row(values, outcome)
        self.lists(row, values)
        self.framework(row, values)
        self.signature(row, values)
        return row

    # The list (kinds with lists) or the municipality

    def lists(self, row, values):
        outcome = row.outcome
        for column in ("liste", "tete_de_liste", "email", "etiquette", "signataire", "qualite"):
            value = text(values, column)
            if len(value) > MAX_LENGTHS[column]:
                outcome.error(column, gettext("At most %(max)s characters.") % {"max": MAX_LENGTHS[column]})
        row.list_name = text(values, "liste")[: MAX_LENGTHS["liste"]]
        row.list_key = _fold(row.list_name)
        row.head_name = text(values, "tete_de_liste")[: MAX_LENGTHS["tete_de_liste"]]
        row.email = text(values, "email")
        row.label = text(values, "etiquette")[: MAX_LENGTHS["etiquette"]]
        outcome.list_name = row.list_name
        elected = values.get("elue", "")
        elected = elected.lower() if isinstance(elected, str) else "?"
        if elected in TRUE_VALUES:
            row.elected = True
        elif elected not in FALSE_VALUES:
            outcome.error("elue", gettext("Write “oui” or “non” (or leave empty)."))
        if self.kind.has_lists:
            for column, value in (("liste", row.list_name), ("tete_de_liste", row.head_name)):
                if not value:
                    outcome.error(column, _required())
            if row.elected and not self.kind.records_result:
                outcome.error("elue", self.kind.result_refused)
        else:
            message = self.kind.lists_refused_in_file
            for column in ("liste", "tete_de_liste", "email", "etiquette"):
                if text(values, column):
                    outcome.error(column, message)
            if row.elected:
                outcome.error("elue", message)
        if row.email and len(row.email) <= MAX_LENGTHS["email"]:
            try:
                self.email_validator(row.email)
            except ValidationError as error:
                outcome.error("email", error.messages[0])

    # The framework and its items

    def framework(self, row, values):
        framework = self.framework_given(row.outcome, text(values, "referentiel"))
        if framework is not None:
            row.framework_id = framework.pk
            self.items(row, values, framework)

    def framework_given(self, outcome, given):
        """The campaign's framework the row names (or its only one); None after an error."""
        frameworks = self.state.frameworks
        choices = ", ".join(framework.slug for framework in frameworks)
        if not given:
            if len(frameworks) != 1:
                outcome.error(
                    "referentiel", gettext("Give the framework: %(choices)s.") % {"choices": choices}
                )
                return None
            return frameworks[0]
        found = self.state.framework_keys.get(given.lower()) or self.state.framework_keys.get(
            self.key(given), []
        )
        if not found:
            outcome.error(
                "referentiel",
                gettext("Unknown framework “%(value)s” for this campaign. Possible values: %(choices)s.")
                % {"value": given, "choices": choices},
            )
            return None
        if len(found) > 1:
            outcome.error(
                "referentiel",
                gettext("“%(value)s” matches several frameworks: use one of %(choices)s.")
                % {"value": given, "choices": ", ".join(f"{f.slug} ({f.version})" for f in found)},
            )
            return None
        return found[0]

    def items(self, row, values, framework):
        outcome = row.outcome
        codes = [code for code in CODE_SEPARATORS.split(text(values, "engagements").upper()) if code]
        if not codes:
            outcome.error("engagements", gettext("Give at least one item code."))
            return
        items, aliases = self.state.items[framework.pk], self.state.item_aliases[framework.pk]
        found_ids, unknown = [], []
        for code in codes:
            pk = items.get(code)
            if pk is None and code.isdigit():
                pk = aliases.get(str(int(code)))
            if pk is None:
                if code not in unknown:
                    unknown.append(code)
            elif pk not in found_ids:
                found_ids.append(pk)
        if unknown:
            outcome.error(
                "engagements",
                gettext("Unknown item codes for %(framework)s: %(codes)s.")
                % {"framework": framework.short_title, "codes": ", ".join(unknown)},
            )
            return
        row.item_ids = tuple(found_ids)

    # The signature

    def signature(self, row, values):
        outcome = row.outcome
        row.signatory = text(values, "signataire")[: MAX_LENGTHS["signataire"]] or row.head_name
        row.role = text(values, "qualite")[: MAX_LENGTHS["qualite"]]
        if not row.role and self.kind.has_lists:
            row.role = self.head_role
        if not row.signatory and not self.kind.has_lists:  # else tete_de_liste is missing
            outcome.error("signataire", _required())
        if not row.role:
            outcome.error("qualite", _required())
        signed_on = date_of(values.get("date_signature", ""))
        if signed_on is None:
            outcome.error("date_signature", _required())
        elif signed_on is False:
            outcome.error(
                "date_signature",
                gettext("Unreadable date: write it as DD/MM/YYYY (for example 15/03/2026) or YYYY-MM-DD."),
            )
        elif signed_on > self.today:
            outcome.error("date_signature", gettext("The date of signature cannot be in the future."))
        else:
            row.signed_on = signed_on
