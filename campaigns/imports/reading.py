"""Reading a spreadsheet: its bytes (within the limits), its rows (CSV or XLSX), and its
header mapped to the template's columns."""

import contextlib
import csv
import io
from datetime import date, datetime
from pathlib import PurePath

import openpyxl
from django.utils.translation import gettext
from openpyxl.utils import get_column_letter

from territories.normalize import words

from .report import ImportFileError

# The template's columns, in order. The headers are French data (not translated): a file's
# headers match them ignoring case, accents, spaces and underscores.
COLUMNS = [
    "code_insee",
    "commune",
    "departement",
    "liste",
    "tete_de_liste",
    "email",
    "etiquette",
    "referentiel",
    "engagements",
    "signataire",
    "qualite",
    "date_signature",
    "elue",
]

MEGABYTE = 1024 * 1024
MAX_BYTES = 10 * MEGABYTE
MAX_ROWS = 50_000

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls files (and encrypted .xlsx)
ZIP_SIGNATURE = b"PK"  # .xlsx files are zip archives
CSV_DELIMITERS = ";,\t"  # in order of preference when a header line has as many of each


def _header_key(text):
    """Headers match loosely: "Tête de liste", "tete_de_liste" and "TETE DE LISTE" are one."""
    return "".join(words(str(text or "")))


COLUMN_KEYS = {_header_key(column): column for column in COLUMNS}


def _read_bytes(upload):
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ImportFileError(_too_large())
    if hasattr(upload, "seek"):
        with contextlib.suppress(OSError, ValueError):
            upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise ImportFileError(_too_large())
    return data


def _too_large():
    return gettext("The file is larger than %(max)s MB: split it into several files.") % {
        "max": MAX_BYTES // MEGABYTE
    }


def _too_many_rows():
    return gettext("The file has more than %(max)s rows: split it into several files.") % {
        "max": f"{MAX_ROWS:,}".replace(",", " ")
    }


def _csv_rows(data):
    """(line, [values]) of the non-empty lines; the line is where the row starts in the file."""
    try:
        text = data.decode("utf-8-sig")  # strict: a cp1252 export must not be misread
    except UnicodeDecodeError:
        raise ImportFileError(
            gettext(
                "This file is not encoded in UTF-8: in your spreadsheet, save it as “CSV UTF-8” "
                "(comma or semicolon separated) and try again."
            )
        ) from None
    if "\x00" in text:
        raise ImportFileError(_unsupported())
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(CSV_DELIMITERS, key=first.count)  # ties go to the first: ";" then ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous = 0
    try:
        for values in reader:
            start, previous = previous + 1, reader.line_num
            if any(value.strip() for value in values):
                yield start, values
    except csv.Error:
        raise ImportFileError(
            gettext("The file cannot be read as CSV near line %(line)s.") % {"line": reader.line_num}
        ) from None


def _xlsx_rows(data):
    """(row number, [values]) of the non-empty rows of the first sheet."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # zipfile, XML and openpyxl errors alike: the file is not a workbook
        raise ImportFileError(gettext("This file cannot be read as an Excel workbook (.xlsx).")) from None
    try:
        if not workbook.worksheets:
            raise ImportFileError(gettext("The file is empty."))
        sheet = workbook.worksheets[0]
        # Some producers write wrong dimensions; read every row the sheet really has.
        sheet.reset_dimensions()
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if any(value is not None and str(value).strip() for value in values):
                yield number, list(values)
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(gettext("This file cannot be read as an Excel workbook (.xlsx).")) from None
    finally:
        workbook.close()


def _unsupported():
    return gettext("Unsupported file: send a spreadsheet as CSV (UTF-8) or Excel (.xlsx).")


def _cell(value):
    """A cell as text (spaces collapsed), or a date for date cells of a workbook."""
    if type(value) is str:
        return " ".join(value.split())
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _read(upload):
    """The header (canonical column names, None for ignored columns) and the data rows
    as (line, {column: value})."""
    data = _read_bytes(upload)
    if not data.strip():
        raise ImportFileError(gettext("The file is empty."))
    extension = PurePath(getattr(upload, "name", "") or "").suffix.lower().lstrip(".")
    if extension == "xlsx" or (extension != "csv" and data.startswith(ZIP_SIGNATURE)):
        rows = _xlsx_rows(data)
    elif extension == "csv":
        rows = _csv_rows(data)
    elif extension == "xls" or data.startswith(OLE_SIGNATURE):
        raise ImportFileError(
            gettext("This is an old Excel file (.xls): save it as .xlsx or as “CSV UTF-8”.")
        )
    else:
        raise ImportFileError(_unsupported())

    header_line = next(rows, None)
    if header_line is None:
        raise ImportFileError(gettext("The file is empty."))
    columns = _columns(header_line[1])
    width = len(columns)
    headerless = [index for index, column in enumerate(columns) if column is None]
    parsed = []
    for line, values in rows:
        if len(parsed) >= MAX_ROWS:
            raise ImportFileError(_too_many_rows())
        cells = [_cell(value) for value in values[:width]]
        # A value under no header: the letter of its column, as a spreadsheet shows it.
        extra = next((index for index in headerless if index < len(cells) and cells[index] != ""), None)
        if extra is None and len(values) > width:
            extra = next((index for index in range(width, len(values)) if _cell(values[index]) != ""), None)
        if extra is not None:
            extra = get_column_letter(extra + 1)
        parsed.append(
            (line, {column: cell for column, cell in zip(columns, cells, strict=False) if column}, extra)
        )
    if not parsed:
        raise ImportFileError(gettext("The file has a header but no rows to import."))
    return set(filter(None, columns)), parsed


def _columns(values):
    columns, unknown, seen = [], [], set()
    for value in values:
        text = str(value).strip() if value is not None else ""
        if not text:
            columns.append(None)  # a column without a header is ignored
            continue
        column = COLUMN_KEYS.get(_header_key(text))
        if column is None:
            unknown.append(text)
        elif column in seen:
            raise ImportFileError(gettext("The column “%(column)s” appears twice.") % {"column": text})
        seen.add(column)
        columns.append(column)
    if unknown:
        raise ImportFileError(
            gettext("Unknown columns: %(columns)s. The columns are: %(expected)s.")
            % {"columns": ", ".join(f"“{name}”" for name in unknown), "expected": ", ".join(COLUMNS)}
        )
    return columns


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
