"""Reading an uploaded Excel workbook (.xlsx) at a bounded cost.

A workbook is a zip archive of XML parts, and a small file may expand to gigabytes: a
shared-strings table of hundreds of MB, cells out to the last column of the last row.
Before any part is parsed, the archive is checked (its number of parts, their
uncompressed sizes and compression ratios; the parts read whole into memory must be
small); then the first sheet is read as a stream, one cell at a time, every element let
go once read: its declared dimension first, then its rows, within bounds of columns,
rows and time. openpyxl's own pieces read the manifest, the shared strings, the workbook
and its styles (for the dates), and turn each cell into a value.

Every refusal is a WorkbookError whose message is for people (core.spreadsheets makes it
a SpreadsheetError)."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import Element, iterparse

from django.utils.translation import gettext
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet._reader import WorkSheetParser  # openpyxl's reading of a cell (pinned)
from openpyxl.xml.constants import (
    ARC_CONTENT_TYPES,
    ARC_STYLE,
    ARC_WORKBOOK,
    SHARED_STRINGS,
    SHEET_MAIN_NS,
    XLSM,
    XLSX,
    XLTM,
    XLTX,
)

MEGABYTE = 1024 * 1024
MAX_PARTS = 1_000
MAX_UNCOMPRESSED = 200 * MEGABYTE  # all the parts together, once uncompressed
MAX_SHARED_STRINGS = 32 * MEGABYTE  # openpyxl keeps every shared string in memory
MAX_PART = 8 * MEGABYTE  # a part parsed whole: the manifest, the workbook, its styles, relationships
MAX_RATIO = 100  # uncompressed size / compressed size of a part larger than RATIO_FROM
RATIO_FROM = MEGABYTE
MAX_COLUMNS = 1_024  # a sheet reaches column AMJ at most (LibreOffice's former width)
MAX_CELL_ELEMENTS = 1_000  # the elements inside one cell (value, formula, rich text runs)
READ_SECONDS = 25  # below the web server's worker timeout (gunicorn's default: 30 s)

WORKBOOK_TYPES = {XLSX, XLSM, XLTX, XLTM}
DIMENSION, SHEET_DATA, ROW, CELL = (
    f"{{{SHEET_MAIN_NS}}}{name}" for name in ("dimension", "sheetData", "row", "c")
)

Row = tuple[int, list[object]]


class WorkbookError(Exception):
    """The workbook is refused; str() is for people."""


def unreadable() -> WorkbookError:
    return WorkbookError(gettext("This file cannot be read as an Excel workbook (.xlsx)."))


def too_wide(column: int) -> WorkbookError:
    return WorkbookError(
        gettext(
            "The sheet reaches column %(column)s: an import reads columns up to %(max)s. Delete "
            "the columns after your data (even empty ones with a format) and try again."
        )
        % {"column": get_column_letter(min(column, 18_278)), "max": get_column_letter(MAX_COLUMNS)}
    )


def too_long(row: int, max_row: int) -> WorkbookError:
    return WorkbookError(
        gettext(
            "The sheet reaches row %(row)s: an import reads rows up to %(max)s. Delete the rows "
            "after your data (even empty ones with a format), or split the file."
        )
        % {"row": f"{row:,}".replace(",", "\u202f"), "max": f"{max_row:,}".replace(",", "\u202f")}
    )


def too_slow() -> WorkbookError:
    return WorkbookError(
        gettext("Reading this file takes too long (over %(seconds)s seconds): split it into several files.")
        % {"seconds": READ_SECONDS}
    )


def _too_large() -> WorkbookError:
    return WorkbookError(
        gettext(
            "This workbook is too large once uncompressed (%(max)s MB at most, and no part may "
            "expand more than %(ratio)s times): split it into several files, or save it as "
            "“CSV UTF-8”."
        )
        % {"max": MAX_UNCOMPRESSED // MEGABYTE, "ratio": MAX_RATIO}
    )


def check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse an archive whose parts are too many or too large once uncompressed (the
    sizes a zip declares bound what Python's zipfile will ever give), or compressed
    beyond any real spreadsheet's ratio."""
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise unreadable()
    if sum(part.file_size for part in parts) > MAX_UNCOMPRESSED:
        raise _too_large()
    for part in parts:
        if part.file_size > RATIO_FROM and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise _too_large()
        if part.filename in (ARC_CONTENT_TYPES, ARC_STYLE, ARC_WORKBOOK) or part.filename.endswith(".rels"):
            _within(part, MAX_PART)


def _within(part: zipfile.ZipInfo | None, limit: int) -> None:
    if part is not None and part.file_size > limit:
        raise _too_large()


def _part(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    try:
        return archive.getinfo(name)
    except KeyError:
        return None


def _opened(archive: zipfile.ZipFile, data: bytes) -> tuple[ExcelReader, str]:
    """openpyxl's reader with the manifest, shared strings, workbook and styles read (each
    within its limit: they are parsed whole), and the path of the first sheet."""
    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True, keep_vba=False, keep_links=False)
    reader.read_manifest()
    for override in reader.package.Override:
        if override.ContentType in WORKBOOK_TYPES:
            _within(_part(archive, override.PartName.lstrip("/")), MAX_PART)
        elif override.ContentType == SHARED_STRINGS:
            _within(_part(archive, override.PartName.lstrip("/")), MAX_SHARED_STRINGS)
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    for _sheet, relationship in reader.parser.find_sheets():
        if relationship.target in reader.valid_files and relationship.Type.endswith("/worksheet"):
            return reader, relationship.target
    raise WorkbookError(gettext("The file is empty."))


class SheetStream:
    """The rows of a sheet that hold values, read a cell at a time with openpyxl's cell
    parser; every element read is let go (iterparse would keep them all)."""

    def __init__(self, reader: ExcelReader, *, max_row: int, deadline: float) -> None:
        workbook = reader.wb
        self.cells = WorkSheetParser(
            None,
            reader.shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        self.max_row, self.deadline = max_row, deadline
        self.rows = 0  # <row> elements read, values or not
        self.values: dict[int, object] = {}
        self.width = 0  # cells in the current row

    def read(self, source) -> Iterator[Row]:
        stack: list[Element] = []  # the open elements: the element's ancestors at its end
        cell_depth = None  # the current cell's place in the stack, while one is open
        kept = 0  # the elements kept within the current cell until it is read
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                if cell_depth is None and element.tag == CELL:
                    cell_depth, kept = len(stack), 0
                elif cell_depth is None and element.tag == ROW:
                    self.start_row(element)
                stack.append(element)
                continue
            stack.pop()
            if cell_depth is not None and len(stack) > cell_depth:
                kept += 1  # a cell's value, formula or rich text, read with the cell
                if kept > MAX_CELL_ELEMENTS:
                    raise unreadable()
                continue
            if cell_depth is not None:  # the cell itself ends
                self.cell(element)
                cell_depth = None
            elif element.tag == ROW and (row := self.end_row()):
                yield row
            elif element.tag == DIMENSION:
                self.dimension(element.get("ref", ""))
            elif element.tag == SHEET_DATA:
                return  # nothing after the rows matters
            if stack:
                stack[-1].remove(element)

    def start_row(self, element: Element) -> None:
        self.rows += 1
        if self.rows > self.max_row:
            raise too_long(self.rows, self.max_row)
        if time.monotonic() > self.deadline:
            raise too_slow()
        number = element.get("r")
        self.cells.row_counter = int(float(number)) if number else self.cells.row_counter + 1
        self.cells.col_counter = 0
        self.values, self.width = {}, 0

    def cell(self, element: Element) -> None:
        self.width += 1
        if self.width > MAX_COLUMNS:
            raise too_wide(self.width)
        parsed = self.cells.parse_cell(element)
        value = parsed["value"]
        if value is not None and str(value).strip():
            if parsed["column"] > MAX_COLUMNS:
                raise too_wide(parsed["column"])
            self.values[parsed["column"]] = value

    def end_row(self) -> Row | None:
        if not self.values:
            return None
        number = self.cells.row_counter
        if number > self.max_row:
            raise too_long(number, self.max_row)
        values, self.values = self.values, {}
        return number, [values.get(column) for column in range(1, max(values) + 1)]

    def dimension(self, ref: str) -> None:
        """The sheet's declared extent, read before its rows: refused beyond the bounds
        (a smaller one is often wrong, and every row is read anyway)."""
        try:
            _min_column, _min_row, max_column, max_row = range_boundaries(ref)
        except (TypeError, ValueError):
            return
        if max_column and max_column > MAX_COLUMNS:
            raise too_wide(max_column)
        if max_row and max_row > self.max_row:
            raise too_long(max_row, self.max_row)


def rows(data: bytes, *, max_row: int, deadline: float) -> Iterator[Row]:
    """(row number, [values]) of the first sheet's rows that hold a value, each list as
    long as its last value's column; rows beyond `max_row`, columns beyond MAX_COLUMNS
    and reading after `deadline` (time.monotonic) refuse the file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        check_archive(archive)
        reader, path = _opened(archive, data)
        stream = SheetStream(reader, max_row=max_row, deadline=deadline)
        with archive.open(path) as source:
            yield from stream.read(source)
    except WorkbookError:
        raise
    except Exception:  # zipfile, XML and openpyxl errors alike: the file is not a workbook
        raise unreadable() from None
