"""Validation of the whole file: its columns, each row (rows.py), the checks across rows
(the same declaration twice) and against the standing declarations (one per commune,
framework and committer: the same items again is "already declared", other items an
error), in an ImportReport."""

from __future__ import annotations

from django.utils.translation import gettext

from core.imports import CREATE, UNCHANGED, ImportFileError
from core.spreadsheets import Sheet

from .report import ImportReport
from .rows import COLUMN_OF, Row, Validator
from .state import Standing

REQUIRED = ("referentiel", "engagements", "date", "engage_par")


def check_columns(present: set[str]) -> None:
    if "code_insee" not in present and "commune" not in present:
        raise ImportFileError(gettext("The file needs a “code_insee” column or a “commune” column."))
    missing = [column for column in REQUIRED if column not in present]
    if "lien_preuve" not in present and "deliberation" not in present:
        missing.append("lien_preuve")
    if missing:
        raise ImportFileError(gettext("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})


def _cross_checks(rows: list[Row]) -> None:
    seen: dict[tuple, int] = {}
    for row in rows:
        if row.commune is None or row.framework_id is None or not row.committed_by:
            continue
        if row.key in seen:
            row.outcome.error(
                COLUMN_OF["list_name"] if row.list_name else "referentiel",
                gettext("The same commitment (commune, framework, list or council) as line %(line)s.")
                % {"line": seen[row.key]},
            )
        else:
            seen[row.key] = row.outcome.line


def _actions(rows: list[Row], standing: Standing) -> None:
    for row in rows:
        if row.outcome.errors:
            continue
        existing = standing.of(row.key)
        if existing is None:
            row.outcome.action = CREATE
        elif existing == set(row.item_ids):
            row.outcome.action = UNCHANGED
        else:
            row.outcome.error(
                "engagements",
                gettext(
                    "This commitment is already declared for the mandate with other items: the declaration "
                    "stands as it is (its declarer may withdraw it, then it can be declared again)."
                ),
            )


def validate(sheet: Sheet, validator: Validator) -> tuple[ImportReport, list[Row]]:
    """The report and the validated rows of a file."""
    check_columns(sheet.present)
    rows = [validator.row(line, values, extra) for line, values, extra in sheet.rows]
    _cross_checks(rows)
    _actions(rows, Standing(validator.years[0]))
    return ImportReport(rows=[row.outcome for row in rows]), rows
