"""The template of an import of declarations: the header and two example rows (a list's
commitment with a link, a council's with its deliberation), as CSV or XLSX."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
from openpyxl.styles import Font

from .columns import COLUMNS

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIN_COLUMN_WIDTH = 14  # characters
HEADER_MARGIN = 4  # characters beside a longer header
# French data, not interface text: the values a file holds.
EXAMPLES = [
    {
        "code_insee": "93066",
        "commune": "Saint-Denis",
        "departement": "93",
        "referentiel": "pacte-pour-la-transition",
        "engagements": "01;26",
        "date": date(2026, 3, 10),
        "engage_par": "liste",
        "nom_liste": "Saint-Denis en commun",
        "tete_de_liste": "Camille Martin",
        "lien_preuve": "https://example.org/engagements/saint-denis",
        "deliberation": "",
    },
    {
        "code_insee": "01001",
        "commune": "L'Abergement-Clémenciat",
        "departement": "01",
        "referentiel": "pacte-pour-la-transition",
        "engagements": "B",
        "date": date(2026, 5, 20),
        "engage_par": "conseil",
        "nom_liste": "",
        "tete_de_liste": "",
        "lien_preuve": "",
        "deliberation": "2026-045 du 20 mai 2026",
    },
]


def import_template(fmt: str) -> tuple[bytes, str, str]:
    """(bytes, content type, file name) of the template."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for example in EXAMPLES:
            writer.writerow(
                [
                    value.strftime("%d/%m/%Y") if isinstance(value, date) else value
                    for value in (example[column] for column in COLUMNS)
                ]
            )
        # With a BOM, so that Excel opens it as UTF-8.
        return (
            buffer.getvalue().encode("utf-8-sig"),
            "text/csv; charset=utf-8",
            "modele-engagements-declares.csv",
        )
    if fmt == "xlsx":
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "engagements"
        sheet.append(COLUMNS)
        for example in EXAMPLES:
            sheet.append([example[column] for column in COLUMNS])
        for index, column in enumerate(COLUMNS, start=1):
            header = sheet.cell(row=1, column=index)
            header.font = Font(bold=True)
            sheet.column_dimensions[header.column_letter].width = max(
                MIN_COLUMN_WIDTH, len(column) + HEADER_MARGIN
            )
            for row in range(2, len(EXAMPLES) + 2):
                # Codes stay text (a number would lose the leading zero of 01001).
                sheet.cell(row=row, column=index).number_format = "DD/MM/YYYY" if column == "date" else "@"
        sheet.freeze_panes = "A2"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue(), XLSX_CONTENT_TYPE, "modele-engagements-declares.xlsx"
    raise ValueError(f"Unknown template format: {fmt!r}")
