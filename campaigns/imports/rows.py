"""Validation of each row on its own (the commune, the list or the municipality, the
framework and its items, the signature), against what the database holds (state.py)."""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils import timezone
from django.utils.translation import gettext

from territories.models import Commune
from territories.normalize import normalize

from .report import RowOutcome
from .state import SUGGESTIONS, _Commune, _fold

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
INSEE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
DATE_FR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


@dataclass(slots=True)
class _Row:
    outcome: RowOutcome
    commune: _Commune | None = None
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


def _text(values, column):
    value = values.get(column, "")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return value


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
        self.commune(row, values)
        self.lists(row, values)
        self.framework(row, values)
        self.signature(row, values)
        return row

    # The commune

    def commune(self, row, values):
        outcome = row.outcome
        code = _text(values, "code_insee").upper().replace(" ", "")
        name = _text(values, "commune")
        department = _text(values, "departement").upper().replace(" ", "")
        if code.isdigit() and len(code) == 4:  # a spreadsheet dropped the leading zero
            code = "0" + code
        if department.isdigit() and len(department) == 1:
            department = "0" + department
        outcome.commune = name or code
        if department and department not in self.communes.departments:
            outcome.error(
                "departement", gettext("Unknown department “%(department)s”.") % {"department": department}
            )
            department = None
        if code:
            self.commune_by_code(row, code, name, department)
        elif name:
            self.commune_by_name(row, name, department)
        else:
            outcome.error("commune", gettext("Give the INSEE code or the name of the commune."))
        if row.commune is not None:
            outcome.commune = row.commune.label

    def commune_by_code(self, row, code, name, department):
        outcome = row.outcome
        if not INSEE_CODE.match(code):
            outcome.error("code_insee", gettext("An INSEE code has 5 characters, such as 93066 or 2A004."))
            return
        commune = self.communes.by_code.get(code)
        if commune is None:
            outcome.error("code_insee", gettext("Unknown INSEE code %(code)s.") % {"code": code})
            if name:
                self.suggest(row, name, department)
            return
        if commune.kind != Commune.Kind.COMMUNE:
            city = self.communes.by_pk.get(commune.parent_id)
            if city:
                message = gettext(
                    "%(commune)s is a municipal arrondissement: use the code of its city, %(city)s."
                )
                outcome.suggestions.append(city.suggestion)
            else:
                message = gettext("%(commune)s is a municipal arrondissement: use the code of its city.")
            outcome.error(
                "code_insee",
                message % {"commune": commune.label, "city": f"{city.name} ({city.code})" if city else ""},
            )
            return
        if not commune.is_active:
            outcome.error(
                "code_insee",
                gettext(
                    "The commune %(commune)s (%(code)s) no longer exists: use the code of the new commune."
                )
                % {"commune": commune.label, "code": code},
            )
            return
        problem = False
        if name:
            key = self.key(name)
            if commune not in self.communes.by_name.get(key, ()):
                outcome.error(
                    "commune",
                    gettext("The INSEE code %(code)s is %(commune)s, not “%(name)s”.")
                    % {"code": code, "commune": commune.label, "name": name},
                )
                problem = True
        if department and department != commune.department:
            outcome.error(
                "departement",
                gettext("%(commune)s is in the department %(department)s, not %(given)s.")
                % {"commune": commune.name, "department": commune.department, "given": department},
            )
            problem = True
        if problem:
            outcome.suggestions.append(commune.suggestion)
        else:
            row.commune = commune

    def commune_by_name(self, row, name, department):
        outcome = row.outcome
        key = self.key(name)
        candidates = self.communes.by_name.get(key, [])
        if department:
            in_department = [commune for commune in candidates if commune.department == department]
            if not in_department:
                outcome.error(
                    "commune",
                    gettext("No commune named “%(name)s” in the department %(department)s.")
                    % {"name": name, "department": department},
                )
                outcome.suggestions.extend(commune.suggestion for commune in candidates[:SUGGESTIONS])
                if not candidates:
                    self.suggest(row, name, department)
                return
            candidates = in_department
        if not candidates:
            outcome.error("commune", gettext("No commune named “%(name)s”.") % {"name": name})
            self.suggest(row, name, department)
        elif len(candidates) > 1:
            outcome.error(
                "commune",
                gettext("Several communes are named “%(name)s”: add the department or the INSEE code.")
                % {"name": name},
            )
            outcome.suggestions.extend(
                commune.suggestion for commune in sorted(candidates, key=lambda commune: commune.code)
            )
        else:
            row.commune = candidates[0]

    def suggest(self, row, name, department):
        key = self.key(name)
        if key:
            found = self.communes.close_to(key, department) or (
                self.communes.close_to(key) if department else []
            )
            row.outcome.suggestions.extend(commune.suggestion for commune in found)

    # The list (kinds with lists) or the municipality

    def lists(self, row, values):
        outcome = row.outcome
        for column in ("liste", "tete_de_liste", "email", "etiquette", "signataire", "qualite"):
            value = _text(values, column)
            if len(value) > MAX_LENGTHS[column]:
                outcome.error(column, gettext("At most %(max)s characters.") % {"max": MAX_LENGTHS[column]})
        row.list_name = _text(values, "liste")[: MAX_LENGTHS["liste"]]
        row.list_key = _fold(row.list_name)
        row.head_name = _text(values, "tete_de_liste")[: MAX_LENGTHS["tete_de_liste"]]
        row.email = _text(values, "email")
        row.label = _text(values, "etiquette")[: MAX_LENGTHS["etiquette"]]
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
                if _text(values, column):
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
        framework = self.framework_given(row.outcome, _text(values, "referentiel"))
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
        codes = [code for code in CODE_SEPARATORS.split(_text(values, "engagements").upper()) if code]
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
        row.signatory = _text(values, "signataire")[: MAX_LENGTHS["signataire"]] or row.head_name
        row.role = _text(values, "qualite")[: MAX_LENGTHS["qualite"]]
        if not row.role and self.kind.has_lists:
            row.role = self.head_role
        if not row.signatory and not self.kind.has_lists:  # else tete_de_liste is missing
            outcome.error("signataire", _required())
        if not row.role:
            outcome.error("qualite", _required())
        signed_on = _date(values.get("date_signature", ""))
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


def _date(value):
    """A date; None when empty; False when unreadable."""
    if isinstance(value, date):
        return value
    if not value:
        return None
    match = DATE_FR.match(value)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        match = DATE_ISO.match(value)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
    except ValueError:
        return False
    return False
