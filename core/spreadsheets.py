"""Reading the spreadsheets people upload (CSV in UTF-8, or Excel's XLSX): the bytes within
a limit, the non-empty rows with their line numbers, and the header mapped to a template's
columns. The imports of campaigns (signed bulletins) and commitments (declared
commitments) read their files with `read` (through core.imports), then validate the rows
their own way, reading cells with `text` and `date_of`.

Every refusal of the whole file is a SpreadsheetError whose message is for people."""

from __future__ import annotations

import contextlib
import csv
import io
import re
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath
from typing import IO

from django.utils.translation import gettext
from openpyxl.utils import get_column_letter

from . import workbooks
from .text import single_line

MEGABYTE = 1024 * 1024
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls files (and encrypted .xlsx)
ZIP_SIGNATURE = b"PK"  # .xlsx files are zip archives
CSV_DELIMITERS = ";,\t"  # in order of preference when a header line has as many of each
NOT_A_LETTER = re.compile(r"[^0-9a-z]+")
DATE_FR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")

Cell = str | date
Line = tuple[int, list[object]]


class SpreadsheetError(Exception):
    """The whole file is refused (format, encoding, columns, size); str() is for people."""


@dataclass(frozen=True)
class Sheet:
    """A file read: the template's columns it has, and its data rows as (line, {column:
    cell}, extra), `extra` being the letter of a column without a header that holds a
    value on that line (or None)."""

    present: set[str]
    rows: list[tuple[int, dict[str, Cell], str | None]]


def header_key(text: object) -> str:
    """Headers match loosely: "Tête de liste", "tete_de_liste" and "TETE DE LISTE" are one."""
    text = unicodedata.normalize("NFKD", str(text or "").lower())
    return NOT_A_LETTER.sub("", "".join(char for char in text if not unicodedata.combining(char)))


def too_large(max_bytes: int) -> str:
    return gettext("The file is larger than %(max)s MB: split it into several files.") % {
        "max": max_bytes // MEGABYTE
    }


def too_many_rows(max_rows: int) -> str:
    return gettext("The file has more than %(max)s rows: split it into several files.") % {
        "max": f"{max_rows:,}".replace(",", " ")
    }


def unsupported() -> str:
    return gettext("Unsupported file: send a spreadsheet as CSV (UTF-8) or Excel (.xlsx).")


def read_bytes(upload: IO[bytes], *, max_bytes: int) -> bytes:
    """The file's bytes, refused beyond `max_bytes` (read from its start)."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise SpreadsheetError(too_large(max_bytes))
    if hasattr(upload, "seek"):
        with contextlib.suppress(OSError, ValueError):
            upload.seek(0)
    data = upload.read(max_bytes + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > max_bytes:
        raise SpreadsheetError(too_large(max_bytes))
    return data


def csv_rows(data: bytes, *, deadline: float) -> Iterator[Line]:
    """(line, [values]) of the non-empty lines; the line is where the row starts in the
    file. A value beyond workbooks.MAX_COLUMNS, or reading after `deadline`
    (time.monotonic), refuses the file."""
    try:
        text = data.decode("utf-8-sig")  # strict: a cp1252 export must not be misread
    except UnicodeDecodeError:
        raise SpreadsheetError(
            gettext(
                "This file is not encoded in UTF-8: in your spreadsheet, save it as “CSV UTF-8” "
                "(comma or semicolon separated) and try again."
            )
        ) from None
    if "\x00" in text:
        raise SpreadsheetError(unsupported())
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(CSV_DELIMITERS, key=first.count)  # ties go to the first: ";" then ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous = 0
    try:
        for values in reader:
            start, previous = previous + 1, reader.line_num
            if time.monotonic() > deadline:
                raise SpreadsheetError(str(workbooks.too_slow()))
            if len(values) > workbooks.MAX_COLUMNS:
                if any(value.strip() for value in values[workbooks.MAX_COLUMNS :]):
                    raise SpreadsheetError(str(workbooks.too_wide(len(values))))
                values = values[: workbooks.MAX_COLUMNS]
            if any(value.strip() for value in values):
                yield start, values
    except csv.Error:
        raise SpreadsheetError(
            gettext("The file cannot be read as CSV near line %(line)s.") % {"line": reader.line_num}
        ) from None


def xlsx_rows(data: bytes, *, max_row: int, deadline: float) -> Iterator[Line]:
    """(row number, [values]) of the non-empty rows of the first sheet, read as a stream
    within core.workbooks' bounds (archive sizes, columns, `max_row`, the `deadline`)."""
    try:
        yield from workbooks.rows(data, max_row=max_row, deadline=deadline)
    except workbooks.WorkbookError as error:
        raise SpreadsheetError(str(error)) from None


def cell(value: object) -> Cell:
    """A cell as text on one line (spaces collapsed, control characters and bidirectional
    controls dropped: core.text.single_line), or a date for date cells of a workbook."""
    if type(value) is str:
        return " ".join(single_line(value).split())
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
    return " ".join(single_line(str(value)).split())


def text(values: Mapping[str, Cell], column: str) -> str:
    """A row's cell in `column` as text: "" when absent, a date cell as DD/MM/YYYY."""
    value = values.get(column, "")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return value


def date_of(value: Cell) -> date | None | bool:
    """A cell as a date (a workbook's date cell, DD/MM/YYYY or YYYY-MM-DD); None when
    empty; False when unreadable."""
    if isinstance(value, date):
        return value
    if not value:
        return None
    try:
        if match := DATE_FR.match(value):
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        if match := DATE_ISO.match(value):
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
    except ValueError:
        return False
    return False


def lines(upload: IO[bytes], *, max_bytes: int, max_row: int, deadline: float) -> Iterator[Line]:
    """The non-empty lines of a CSV or XLSX file (told by its extension, else its content),
    read up to row `max_row` of a workbook and until `deadline` (time.monotonic)."""
    data = read_bytes(upload, max_bytes=max_bytes)
    if not data.strip():
        raise SpreadsheetError(gettext("The file is empty."))
    extension = PurePath(getattr(upload, "name", "") or "").suffix.lower().lstrip(".")
    if extension == "xlsx" or (extension != "csv" and data.startswith(ZIP_SIGNATURE)):
        return xlsx_rows(data, max_row=max_row, deadline=deadline)
    if extension == "csv":
        return csv_rows(data, deadline=deadline)
    if extension == "xls" or data.startswith(OLE_SIGNATURE):
        raise SpreadsheetError(
            gettext("This is an old Excel file (.xls): save it as .xlsx or as “CSV UTF-8”.")
        )
    raise SpreadsheetError(unsupported())


def header(
    values: Sequence[object], columns: Sequence[str], key: Callable[[object], str] = header_key
) -> list[str | None]:
    """The template's column of each header cell (None: no header, ignored). Unknown and
    repeated columns refuse the file."""
    keys = {key(column): column for column in columns}
    found, unknown, seen = [], [], set()
    for value in values:
        text = str(value).strip() if value is not None else ""
        if not text:
            found.append(None)  # a column without a header is ignored
            continue
        column = keys.get(key(text))
        if column is None:
            unknown.append(text)
        elif column in seen:
            raise SpreadsheetError(gettext("The column “%(column)s” appears twice.") % {"column": text})
        seen.add(column)
        found.append(column)
    if unknown:
        raise SpreadsheetError(
            gettext("Unknown columns: %(columns)s. The columns are: %(expected)s.")
            % {"columns": ", ".join(f"“{name}”" for name in unknown), "expected": ", ".join(columns)}
        )
    return found


def _extra(values: list[object], cells: list[Cell], headerless: list[int], width: int) -> str | None:
    """The letter of the first column without a header that holds a value, as a spreadsheet shows it."""
    extra = next((index for index in headerless if index < len(cells) and cells[index] != ""), None)
    if extra is None and len(values) > width:
        extra = next((index for index in range(width, len(values)) if cell(values[index]) != ""), None)
    return get_column_letter(extra + 1) if extra is not None else None


def read(
    upload: IO[bytes],
    *,
    columns: Sequence[str],
    max_bytes: int,
    max_rows: int,
    key: Callable[[object], str] = header_key,
) -> Sheet:
    """The header (the template's `columns` it names) and the data rows of a file, read
    within workbooks.READ_SECONDS."""
    deadline = time.monotonic() + workbooks.READ_SECONDS
    # A workbook's rows are numbered: the header, the rows, and as many blank rows between.
    rows = lines(upload, max_bytes=max_bytes, max_row=2 * max_rows + 1, deadline=deadline)
    first = next(rows, None)
    if first is None:
        raise SpreadsheetError(gettext("The file is empty."))
    named = header(first[1], columns, key)
    width = len(named)
    headerless = [index for index, column in enumerate(named) if column is None]
    parsed = []
    for line, values in rows:
        if len(parsed) >= max_rows:
            raise SpreadsheetError(too_many_rows(max_rows))
        cells = [cell(value) for value in values[:width]]
        parsed.append(
            (
                line,
                {column: value for column, value in zip(named, cells, strict=False) if column},
                _extra(values, cells, headerless, width),
            )
        )
    if not parsed:
        raise SpreadsheetError(gettext("The file has a header but no rows to import."))
    return Sheet(present=set(filter(None, named)), rows=parsed)
