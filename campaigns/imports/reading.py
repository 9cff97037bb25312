"""Reading a spreadsheet of signed bulletins: the columns a file may have (columns.py: the
template's, the level and comment of each of the campaign's items, the export's), the
limits, and the columns a campaign's kind requires. The generic reading (bytes within the
limits, CSV or XLSX rows, the header mapped to the columns) is core.spreadsheets'."""

from django.utils.translation import gettext

from core import imports, spreadsheets
from core.imports import ImportFileError
from territories.normalize import words

from .columns import COLUMNS, EXPORT_ONLY

MEGABYTE = spreadsheets.MEGABYTE
MAX_BYTES = 10 * MEGABYTE
MAX_ROWS = 50_000


def _header_key(text):
    """Headers match loosely: "Tête de liste", "tete_de_liste" and "TETE DE LISTE" are one."""
    return "".join(words(str(text or "")))


def _too_large():
    return spreadsheets.too_large(MAX_BYTES)


def _read(upload, item_columns=()):
    """The header (the columns present) and the data rows as (line, {column: value},
    letter of a value under no header): core.spreadsheets reads the file, within this
    module's limits (read when called). `item_columns`: the level and comment columns of
    the campaign's items (columns.item_columns)."""
    columns = [*COLUMNS, *item_columns, *EXPORT_ONLY]
    sheet = imports.read(upload, columns=columns, max_bytes=MAX_BYTES, max_rows=MAX_ROWS, key=_header_key)
    return sheet.present, sheet.rows


def _check_columns(present, campaign, frameworks):
    if "code_insee" not in present and "commune" not in present:
        raise ImportFileError(gettext("The file needs a “code_insee” column or a “commune” column."))
    required = ["engagements", "date_signature"]
    if campaign.kind_spec.has_lists:
        required += ["liste", "tete_de_liste"]
    else:
        required += ["qualite"]
    if len(frameworks) > 1:
        required.append("referentiel")
    missing = [column for column in COLUMNS if column in required and column not in present]
    if missing:
        raise ImportFileError(gettext("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
