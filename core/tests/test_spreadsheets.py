"""core.spreadsheets: the generic reading of uploaded spreadsheets (the imports of
campaigns and commitments test their own columns and rows)."""

import io
from datetime import date, datetime

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import spreadsheets
from core.spreadsheets import SpreadsheetError

COLUMNS = ["code_insee", "tete_de_liste", "date"]


def read(name, data, **limits):
    return spreadsheets.read(
        SimpleUploadedFile(name, data),
        columns=COLUMNS,
        max_bytes=limits.get("max_bytes", 10_000),
        max_rows=limits.get("max_rows", 100),
    )


def test_headers_match_loosely_and_the_delimiter_is_sniffed():
    sheet = read(
        "a.csv", "Code INSEE,Tête de liste,\r\n93066,  Marie   Curie ,\r\n\r\n01001,X,oups\r\n".encode()
    )

    assert sheet.present == {"code_insee", "tete_de_liste"}
    assert sheet.rows == [
        (2, {"code_insee": "93066", "tete_de_liste": "Marie Curie"}, None),
        (4, {"code_insee": "01001", "tete_de_liste": "X"}, "C"),
    ]
    assert read("b.csv", b"code_insee;date\n93066;01/02/2026\n").rows[0][1] == {
        "code_insee": "93066",
        "date": "01/02/2026",
    }


def test_workbooks_keep_dates_and_whole_numbers():
    workbook = openpyxl.Workbook()
    workbook.active.append(["code_insee", "date"])
    workbook.active.append([1001.0, datetime(2026, 3, 15, 0, 0)])
    buffer = io.BytesIO()
    workbook.save(buffer)

    sheet = read("a.xlsx", buffer.getvalue())

    assert sheet.rows == [(2, {"code_insee": "1001", "date": date(2026, 3, 15)}, None)]


@pytest.mark.parametrize(
    ("name", "data", "limits"),
    [
        ("a.csv", b"", {}),
        ("a.csv", b"code_insee\n", {}),
        ("a.csv", b"code_insee,inconnue\n1,2\n", {}),
        ("a.csv", b"code_insee,Code INSEE\n1,2\n", {}),
        ("a.csv", "code_insee\nHélène\n".encode("cp1252"), {}),
        ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(10), {}),
        ("a.xlsx", b"PK not a zip", {}),
        ("a.txt", b"code_insee\n1\n", {}),
        ("a.csv", b"code_insee\n1\n2\n", {"max_rows": 1}),
        ("a.csv", b"code_insee\n" + b"1\n" * 20, {"max_bytes": 10}),
    ],
)
def test_files_refused_as_a_whole(name, data, limits):
    with pytest.raises(SpreadsheetError):
        read(name, data, **limits)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("15/03/2026", date(2026, 3, 15)),
        ("2026-03-15", date(2026, 3, 15)),
        ("15.03.2026 10:30", date(2026, 3, 15)),
        (date(2026, 3, 15), date(2026, 3, 15)),
        ("", None),
        ("31/02/2026", False),
        ("mars 2026", False),
    ],
)
def test_dates(value, expected):
    assert spreadsheets.date_of(value) == expected
