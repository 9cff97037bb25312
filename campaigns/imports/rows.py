"""Validation of each row on its own (the commune, the list or the municipality, what the
row records: a signed bulletin with its framework, items, levels, comments and signature,
a refusal, or no answer yet), against what the database holds (state.py; the communes are
territories.lookup's, the frameworks, items and levels frameworks.lookup's)."""

import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext

from commitments.models import CommitmentItem
from core.spreadsheets import date_of, text
from territories.lookup import CommuneRef

from ..models import Step
from .columns import PENDING, REFUSED, SIGNED, answer_of
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
COMMENT_MAX_LENGTH = CommitmentItem._meta.get_field("comment").max_length
SIGNATURE_COLUMNS = ("engagements", "date_signature", "signataire")
REFUSAL_COLUMNS = ("date_refus", "motif_refus")


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
    answer: str = SIGNED  # columns.SIGNED, REFUSED or PENDING
    levels: dict = field(default_factory=dict)  # item id -> level id
    comments: dict = field(default_factory=dict)  # item id -> comment
    refused_on: date | None = None
    refusal_reason: str = ""
    signatory_given: str = ""  # the "signataire" and "qualite" cells (a bulletin's correction)
    role_given: str = ""


def _required():
    return gettext("Required.")


def _unreadable_date():
    return gettext("Unreadable date: write it as DD/MM/YYYY (for example 15/03/2026) or YYYY-MM-DD.")


def _only_signed():
    return gettext(
        "Only a signed bulletin has items, a signatory and a date of signature: empty this cell, "
        "or write “signé” in the “reponse” column."
    )


class _Validator:
    def __init__(self, campaign, communes, state, present=()):
        self.campaign = campaign
        self.kind = campaign.kind_spec
        self.head_role = gettext("head of list")
        self.communes = communes
        self.state = state
        self.today = timezone.localdate()
        self.email_validator = EmailValidator()
        # The level and comment columns the file has (columns.item_columns): column -> item code.
        self.level_columns = {
            column: code for column, code in state.level_columns.items() if column in present
        }
        self.comment_columns = {
            column: code for column, code in state.comment_columns.items() if column in present
        }

    def row(self, line, values, extra):
        outcome = RowOutcome(line=line)
        row = _Row(outcome)
        if extra:
            outcome.error(extra, gettext("This line has a value in a column without a header."))
        row.commune = self.communes.from_row(values, outcome)
        row.answer = self.answer(row, values)
        self.lists(row, values)
        self.refusal(row, values)
        if row.answer == SIGNED:
            self.framework(row, values)
            self.signature(row, values)
        else:
            for column in SIGNATURE_COLUMNS:
                if text(values, column):
                    outcome.error(column, _only_signed())
        return row

    # What the row records: a signed bulletin, a refusal, no answer yet

    def answer(self, row, values):
        answer = answer_of(text(values, "reponse"))
        if answer is None:
            row.outcome.error("reponse", gettext("Write “signé”, “refus” or “en attente” (or leave empty)."))
        if answer:
            return answer
        if any(text(values, column) for column in SIGNATURE_COLUMNS):
            return SIGNED
        if any(text(values, column) for column in REFUSAL_COLUMNS):
            return REFUSED
        return PENDING

    def refusal(self, row, values):
        """The refusal's date and public reason (a refusal's row; a signed bulletin's row
        may repeat its list's refusal, as the export writes it: validation.py checks it)."""
        outcome = row.outcome
        reason = text(values, "motif_refus")
        if len(reason) > Step.PUBLIC_REASON_MAX_LENGTH:
            outcome.error(
                "motif_refus", gettext("At most %(max)s characters.") % {"max": Step.PUBLIC_REASON_MAX_LENGTH}
            )
        row.refusal_reason = strip_tags(reason)[: Step.PUBLIC_REASON_MAX_LENGTH]
        refused_on = date_of(values.get("date_refus", ""))
        if row.answer == PENDING and (refused_on is not None or reason):
            for column in REFUSAL_COLUMNS:
                if text(values, column):
                    outcome.error(
                        column,
                        gettext(
                            "Only a refusal has a date of refusal and a reason: empty this cell, "
                            "or write “refus” in the “reponse” column."
                        ),
                    )
        elif refused_on is None:
            if row.answer == REFUSED:
                outcome.error("date_refus", _required())
        elif refused_on is False:
            outcome.error("date_refus", _unreadable_date())
        elif refused_on > self.today:
            outcome.error("date_refus", gettext("The date of the refusal cannot be in the future."))
        else:
            row.refused_on = refused_on

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
        # A bulletin is a list's; a line without a list is the municipality's refusal, or
        # the commune alone (taken on, no list known yet).
        if self.kind.has_lists and (row.answer == SIGNED or row.list_name or row.head_name):
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
        found = self.state.lookup.find(given)
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
        lookup = self.state.lookup
        found_ids, unknown = [], []
        for code in codes:
            pk = lookup.item(framework.pk, code)
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
        if self.level_columns:
            self.levels(row, values, framework)
        if self.comment_columns:
            self.comments(row, values, framework)

    def item_of(self, row, values, column, code, framework):
        """The id of the row's item of this level or comment column (None when the row
        does not commit to it: an error when `column` holds a value)."""
        pk = self.state.lookup.item(framework.pk, code.upper())
        if pk is not None and pk in row.item_ids:
            return pk
        if text(values, column):
            if pk is None:
                message = gettext("%(framework)s has no item %(code)s: empty this cell.")
            else:
                message = gettext(
                    "Item %(code)s is not among this line's items (column “engagements”): "
                    "add it there, or empty this cell."
                )
            row.outcome.error(column, message % {"framework": framework.short_title, "code": code})
        return None

    def levels(self, row, values, framework):
        """The level of each item whose column the file has (None: an empty cell)."""
        lookup = self.state.lookup
        for column, code in self.level_columns.items():
            if (item_id := self.item_of(row, values, column, code, framework)) is None:
                continue
            given = text(values, column)
            level = lookup.level(item_id, given) if given else None
            if level is not None or not given:
                row.levels[item_id] = level
            elif not lookup.level_codes.get(item_id):
                row.outcome.error(
                    column, gettext("Item %(code)s has no levels: empty this cell.") % {"code": code}
                )
            else:
                row.outcome.error(
                    column,
                    gettext("Unknown level “%(value)s” for item %(code)s. Possible values: %(choices)s.")
                    % {"value": given, "code": code, "choices": ", ".join(lookup.level_codes[item_id])},
                )

    def comments(self, row, values, framework):
        """The comment on each item whose column the file has ("": an empty cell)."""
        for column, code in self.comment_columns.items():
            if (item_id := self.item_of(row, values, column, code, framework)) is None:
                continue
            given = text(values, column)
            if len(given) > COMMENT_MAX_LENGTH:
                row.outcome.error(
                    column, gettext("At most %(max)s characters.") % {"max": COMMENT_MAX_LENGTH}
                )
            else:
                row.comments[item_id] = given

    # The signature

    def signature(self, row, values):
        outcome = row.outcome
        row.signatory_given = text(values, "signataire")[: MAX_LENGTHS["signataire"]]
        row.role_given = text(values, "qualite")[: MAX_LENGTHS["qualite"]]
        row.signatory = row.signatory_given or row.head_name
        row.role = row.role_given
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
            outcome.error("date_signature", _unreadable_date())
        elif signed_on > self.today:
            outcome.error("date_signature", gettext("The date of signature cannot be in the future."))
        else:
            row.signed_on = signed_on
