"""Spreadsheet bombs: small uploads that expand beyond what a worker can afford (a shared-
strings table of hundreds of MB, cells out to the last column, rows without end) are
refused quickly, with a message for people, before they cost memory; ordinary workbooks
are still read whole. The files are crafted in memory, as an attacker would."""

import io
import tracemalloc
import zipfile
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from core import spreadsheets, workbooks
from core.spreadsheets import SpreadsheetError

MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
CONTENT_TYPES = (
    f'<?xml version="1.0"?><Types xmlns="{PACKAGE}/content-types">'
    f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{SHEET_TYPE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_TYPE}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHEET_TYPE}.sharedStrings+xml"/></Types>'
)
ROOT_RELATIONSHIPS = (
    f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIP}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<?xml version="1.0"?><workbook {MAIN} xmlns:r="{RELATIONSHIP}"><sheets>'
    '<sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELATIONSHIPS = (
    f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIP}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELATIONSHIP}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
HEADER = b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
MAX_PEAK = 16 * 1024 * 1024  # bytes allocated at most while refusing a bomb


def workbook(rows=(HEADER,), *, dimension="A1:A2", strings=(b"code_insee",)):
    """An .xlsx file as bytes: its sheet's `rows` and `strings` (iterables of XML bytes,
    streamed into the archive so that a bomb is never whole in memory)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELATIONSHIPS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELATIONSHIPS)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0"?><sst {MAIN}>'.encode())
            for string in strings:
                part.write(b"<si><t>" + string + b"</t></si>")
            part.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0"?><worksheet {MAIN}>'.encode())
            if dimension:
                part.write(f'<dimension ref="{dimension}"/>'.encode())
            part.write(b"<sheetData>")
            for row in rows:
                part.write(row)
            part.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def data_rows(count, *, start=2, extra=""):
    for number in range(start, start + count):
        yield f'<row r="{number}"><c r="A{number}"><v>{1000 + number}</v></c>{extra}</row>'.encode()


def read(data, name="bomb.xlsx", max_rows=1_000):
    return spreadsheets.read(
        SimpleUploadedFile(name, data), columns=["code_insee"], max_bytes=10 * 1024 * 1024, max_rows=max_rows
    )


def refusal(data, **options):
    """The message refusing `data`, checking that the refusal allocated little memory."""
    tracemalloc.start()
    try:
        with pytest.raises(SpreadsheetError) as refused, translation.override("fr"):
            read(data, **options)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MAX_PEAK, f"{peak / 1e6:.0f} MB allocated"
    return str(refused.value)


def test_a_sheet_declared_to_the_last_column_and_row_is_refused_before_its_rows():
    rows = data_rows(100_000, extra='<c r="XFD{}"><v>1</v></c>')
    bomb = workbook([HEADER, *(row.replace(b"{}", b"1") for row in rows)], dimension="A1:XFD1048576")
    assert len(bomb) < 1024 * 1024

    message = refusal(bomb)

    assert "colonne XFD" in message and "AMJ" in message


def test_cells_out_to_the_last_column_are_refused_at_the_first_one():
    """No dimension declared (or a wrong one): the first cell beyond the bound refuses."""
    rows = (
        f'<row r="{n}"><c r="A{n}"><v>1</v></c><c r="XFD{n}"><v>1</v></c></row>'.encode()
        for n in range(2, 200_000)
    )
    message = refusal(workbook([HEADER, *rows], dimension=None))

    assert "colonne XFD" in message


def test_a_row_of_too_many_cells_is_refused():
    cells = b"".join(b"<c><v>1</v></c>" for _ in range(workbooks.MAX_COLUMNS + 1))
    message = refusal(workbook([HEADER, b"<row>" + cells + b"</row>"], dimension=None))

    assert "colonne AMK" in message


def test_a_shared_strings_table_of_hundreds_of_megabytes_is_refused_unopened():
    megabyte = b"A" * 1024 * 1024
    bomb = workbook(strings=[b"code_insee", *([megabyte] * 300)])
    assert len(bomb) < 1024 * 1024  # 300 MB once uncompressed

    message = refusal(bomb)

    assert "trop volumineux une fois décompressé" in message and "CSV UTF-8" in message


def test_a_part_read_whole_is_refused_beyond_its_own_limit(monkeypatch):
    """The shared strings are kept in memory: their own limit, whatever the ratio."""
    strings = [b"code_insee", *(f"commune {n}".encode() for n in range(20_000))]
    monkeypatch.setattr(workbooks, "MAX_SHARED_STRINGS", 100_000)

    message = refusal(workbook(strings=strings))

    assert "trop volumineux une fois décompressé" in message


def test_rows_without_end_are_refused_at_the_bound():
    """Rows numbered far away, or the same blank row repeated, stop at twice the rows an
    import reads (blank rows may sit between them)."""
    far = workbook([HEADER, *data_rows(1, start=1_048_576)], dimension=None)
    repeated = workbook([HEADER, *(f'<row r="2" spans="1:{n}"/>'.encode() for n in range(300_000))])
    declared = workbook([HEADER, *data_rows(3)], dimension="A1:A1048576")

    assert "ligne 1\u202f048\u202f576" in refusal(far, max_rows=1_000)
    assert "2\u202f001" in refusal(repeated, max_rows=1_000)
    assert "ligne 1\u202f048\u202f576" in refusal(declared, max_rows=1_000)


def test_a_cell_with_endless_content_is_refused():
    runs = b"".join(b"<r><t>x</t></r>" for _ in range(workbooks.MAX_CELL_ELEMENTS))
    cell = b'<row r="2"><c r="A2" t="inlineStr"><is>' + runs + b"</is></c></row>"

    message = refusal(workbook([HEADER, cell]))

    assert message == "Ce fichier ne peut pas être lu comme un classeur Excel (.xlsx)."


def test_reading_is_bounded_in_time(monkeypatch):
    monkeypatch.setattr(workbooks, "READ_SECONDS", -1)  # the deadline is already past

    with translation.override("fr"):
        for name, data in [
            ("slow.xlsx", workbook([HEADER, *data_rows(3)])),
            ("slow.csv", b"code_insee\n01001\n"),
        ]:
            with pytest.raises(SpreadsheetError, match="prend trop de temps"):
                read(data, name=name)


def test_a_csv_line_beyond_the_last_column_is_refused():
    line = "01001" + "," * workbooks.MAX_COLUMNS + "x"
    with translation.override("fr"), pytest.raises(SpreadsheetError, match="colonne AMK"):
        read(f"code_insee,\n{line}\n".encode(), name="wide.csv")
    # Empty cells beyond the bound are only dropped.
    assert read(f"code_insee,\n01001{',' * 2000}\n".encode(), name="wide.csv").rows == [
        (2, {"code_insee": "01001"}, None)
    ]


def test_ordinary_workbooks_are_read_whole_whatever_their_declared_dimension():
    """A wrong (smaller) dimension, blank rows, rich text, dates and several sheets: every
    row of the first sheet is read as before."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["code_insee", "date"])
    sheet.append(["01001", date(2026, 3, 15)])
    sheet.append([])
    sheet.append(["93066", "15/03/2026"])
    book.create_sheet("Listes").append(["ignored"])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue().replace(b'<dimension ref="A1:B4"/>', b'<dimension ref="A1"/>')
    rich = b'<row r="2"><c r="A2" t="inlineStr"><is><r><t>01</t></r><r><t>002</t></r></is></c></row>'

    sheet = spreadsheets.read(
        SimpleUploadedFile("a.xlsx", data), columns=["code_insee", "date"], max_bytes=10**6, max_rows=10
    )

    assert sheet.rows == [
        (2, {"code_insee": "01001", "date": date(2026, 3, 15)}, None),
        (4, {"code_insee": "93066", "date": "15/03/2026"}, None),
    ]
    assert read(workbook([HEADER, rich])).rows == [(2, {"code_insee": "01002"}, None)]
