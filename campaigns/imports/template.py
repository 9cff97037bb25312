"""The template of an import: the header and one example row, as CSV or XLSX."""

import csv
import io
from datetime import date

import openpyxl
from openpyxl.styles import Font

from .reading import COLUMNS

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXAMPLE_ITEMS = 3  # item codes in the example row
MIN_COLUMN_WIDTH = 14  # characters
HEADER_MARGIN = 4  # characters beside a longer header


def _example(campaign=None):
    framework = campaign.frameworks.order_by("slug").first() if campaign is not None else None
    slug = framework.slug if framework else "pacte-pour-la-transition"
    codes = (
        list(framework.items.order_by("position").values_list("code", flat=True)[:EXAMPLE_ITEMS])
        if framework
        else ["A", "B", "01"]
    )
    has_lists = campaign is None or campaign.kind_spec.has_lists
    return {
        "code_insee": "93066",
        "commune": "Saint-Denis",
        "departement": "93",
        "liste": "Saint-Denis en commun" if has_lists else "",
        "tete_de_liste": "Camille Martin" if has_lists else "",
        "email": "contact@example.org" if has_lists else "",
        "etiquette": "divers gauche" if has_lists else "",
        "referentiel": slug,
        "engagements": ";".join(codes),
        "signataire": "Camille Martin",
        "qualite": "tête de liste" if has_lists else "maire",
        "date_signature": date(2026, 2, 15),
        "elue": "non" if has_lists else "",
    }


def import_template(fmt, campaign=None):
    """(bytes, content type, file name) of a template: the header and one example row.
    With a campaign, the example uses its framework and its kind."""
    example = _example(campaign)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerow(
            [
                value.strftime("%d/%m/%Y") if isinstance(value, date) else value
                for value in (example[column] for column in COLUMNS)
            ]
        )
        # With a BOM, so that Excel opens it as UTF-8.
        return buffer.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8", "modele-engagements.csv"
    if fmt == "xlsx":
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "engagements"
        sheet.append(COLUMNS)
        sheet.append([example[column] for column in COLUMNS])
        for index, column in enumerate(COLUMNS, start=1):
            header = sheet.cell(row=1, column=index)
            header.font = Font(bold=True)
            letter = header.column_letter
            sheet.column_dimensions[letter].width = max(MIN_COLUMN_WIDTH, len(column) + HEADER_MARGIN)
            # Codes stay text (a number would lose the leading zero of 01001).
            sheet.cell(row=2, column=index).number_format = (
                "DD/MM/YYYY" if column == "date_signature" else "@"
            )
        sheet.freeze_panes = "A2"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue(), XLSX_CONTENT_TYPE, "modele-engagements.xlsx"
    raise ValueError(f"Unknown template format: {fmt!r}")
