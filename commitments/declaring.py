"""The checks of a declared commitment as pure functions (values in, messages out, no
database): the service that records one declaration and the spreadsheet import that
records thousands both call them, so they cannot drift apart.

Each check returns the problems it finds as (field, message) pairs, the field being the
Declaration's (declarations.py puts them on the form's fields, the import on its
columns); an empty list when all is well."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from .models import Declaration

LIST_NAME_MAX = Declaration._meta.get_field("list_name").max_length
HEAD_NAME_MAX = Declaration._meta.get_field("head_name").max_length
URL_MAX = Declaration._meta.get_field("proof_url").max_length
REFERENCE_MAX = Declaration._meta.get_field("deliberation_reference").max_length
# A mandate's commitments may be made during the campaign before it: the year before counts.
CAMPAIGN_YEARS_BEFORE = 1

Problems = list[tuple[str, str]]


def fold(name: str) -> str:
    """A list's name as declarations are matched: spaces collapsed, case folded."""
    return " ".join(name.split()).casefold()


def date_problems(committed_on: date | None, *, years: tuple[int, int], today: date) -> Problems:
    """The date is given, not in the future, and within the mandate (or its campaign, the year before)."""
    start_year, end_year = years
    if committed_on is None:
        return [("committed_on", _("Give the date of the commitment."))]
    if committed_on > today:
        return [("committed_on", _("The date of the commitment cannot be in the future."))]
    if not start_year - CAMPAIGN_YEARS_BEFORE <= committed_on.year <= end_year:
        return [
            (
                "committed_on",
                _(
                    "The date must fall within the mandate %(start)s–%(end)s "
                    "(or the campaign before it, from %(campaign)s)."
                )
                % {"start": start_year, "end": end_year, "campaign": start_year - CAMPAIGN_YEARS_BEFORE},
            )
        ]
    return []


def committer_problems(committed_by: str, list_name: str, head_name: str) -> Problems:
    """Who committed: the council, or the elected list with its name and head of list."""
    if committed_by not in Declaration.CommittedBy.values:
        return [("committed_by", _("Say who committed: the elected list or the municipal council."))]
    problems = []
    if committed_by == Declaration.CommittedBy.LIST:
        if not list_name:
            problems.append(("list_name", _("Give the name of the elected list.")))
        if not head_name:
            problems.append(("head_name", _("Give the name of the head of list.")))
    elif list_name or head_name:
        problems.append(
            ("list_name", _("A council's commitment has no list: leave the list and its head empty."))
        )
    if len(list_name) > LIST_NAME_MAX:
        problems.append(("list_name", _("At most %(max)s characters.") % {"max": LIST_NAME_MAX}))
    if len(head_name) > HEAD_NAME_MAX:
        problems.append(("head_name", _("At most %(max)s characters.") % {"max": HEAD_NAME_MAX}))
    return problems


def proof_problems(*, has_file: bool, url: str, reference: str) -> Problems:
    """At least one proof: a document, a link (http or https) or a deliberation's reference."""
    problems = []
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            problems.append(("proof_url", _("This link is not a web address (http or https).")))
        else:
            if len(url) > URL_MAX:
                problems.append(("proof_url", _("At most %(max)s characters.") % {"max": URL_MAX}))
    if len(reference) > REFERENCE_MAX:
        problems.append(("deliberation_reference", _("At most %(max)s characters.") % {"max": REFERENCE_MAX}))
    if not (has_file or url or reference):
        problems.append(
            (
                "proof_url",
                _("Give a proof of the commitment: a document, a link or the reference of a deliberation."),
            )
        )
    return problems


def list_key(committed_by: str, list_name: str) -> str:
    """Declaration.list_key: the list's folded name; empty for the council."""
    return fold(list_name) if committed_by == Declaration.CommittedBy.LIST else ""


def standing_key(framework_id: int, start_year: int, committed_by: str, list_name: str) -> tuple:
    """What two standing declarations of a commune may not share (the constraint
    one_standing_declaration): framework, mandate, and the council or the list."""
    return (framework_id, start_year, committed_by, list_key(committed_by, list_name))


def duplicate_message(committed_by: str) -> str:
    if committed_by == Declaration.CommittedBy.LIST:
        return _(
            "This list's commitment to this framework is already declared for the mandate: "
            "see the commune's follow-up."
        )
    return _(
        "The council's commitment to this framework is already declared for the mandate: "
        "see the commune's follow-up."
    )
