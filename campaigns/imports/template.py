"""The template of an import: the header and one example row, as CSV or XLSX. With a
campaign, it has a level and a comment column per item of its frameworks, and its XLSX has
a sheet of instructions (what each column holds, the values it accepts, an example) and
drop-down lists for the framework, the answer, the election and the levels (long lists
read from a hidden sheet)."""

import csv
import io
from datetime import date

import openpyxl
from django.utils.translation import gettext
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .columns import (
    ANSWER_VALUES,
    COLUMNS,
    SIGNED,
    YES_NO,
    comment_column,
    framework_values,
    item_columns,
    level_column,
)
from .instructions import describe_columns, instructions_sheet
from .reading import MAX_ROWS
from .state import campaign_lookup

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXAMPLE_ITEMS = 3  # item codes in the example row
MIN_COLUMN_WIDTH = 14  # characters
HEADER_MARGIN = 4  # characters beside a longer header
LISTS_SHEET = "listes"  # the hidden sheet of the drop-down lists (French data, as the headers)
LAST_ROW = MAX_ROWS + 1  # the drop-down lists reach the last row an import reads


def _example(campaign=None, lookup=None):
    framework = lookup.frameworks[0] if lookup and lookup.frameworks else None
    item_ids = list(lookup.items[framework.pk].values())[:EXAMPLE_ITEMS] if framework else []
    has_lists = campaign is None or campaign.kind_spec.has_lists
    example = {
        "code_insee": "93066",
        "commune": "Saint-Denis",
        "departement": "93",
        "liste": "Saint-Denis en commun" if has_lists else "",
        "tete_de_liste": "Camille Martin" if has_lists else "",
        "email": "contact@example.org" if has_lists else "",
        "etiquette": "divers gauche" if has_lists else "",
        "referentiel": framework_values(lookup)[framework.pk] if framework else "pacte-pour-la-transition",
        "engagements": ";".join(lookup.codes[pk] for pk in item_ids) if framework else "A;B;01",
        "signataire": "Camille Martin",
        "qualite": "tête de liste" if has_lists else "maire",
        "date_signature": date(2026, 2, 15),
        "elue": "non" if has_lists else "",
        "reponse": ANSWER_VALUES[SIGNED],
        "date_refus": "",
        "motif_refus": "",
    }
    if item_ids:
        example[comment_column(lookup.codes[item_ids[0]])] = "Dès la rentrée 2026"  # French data
        with_levels = next((pk for pk in item_ids if lookup.level_codes.get(pk)), None)
        if with_levels is not None:
            example[level_column(lookup.codes[with_levels])] = lookup.level_codes[with_levels][0]
    return example


def import_template(fmt, campaign=None):
    """(bytes, content type, file name) of a template: the header and one example row.
    With a campaign, the example uses its framework and its kind, and the template has the
    level and comment columns of its items."""
    lookup = campaign_lookup(campaign) if campaign is not None else None
    levels, comments = item_columns(lookup) if lookup else ({}, {})
    columns = [*COLUMNS, *levels, *comments]
    example = _example(campaign, lookup)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerow(
            [
                value.strftime("%d/%m/%Y") if isinstance(value, date) else value
                for value in (example.get(column, "") for column in columns)
            ]
        )
        # With a BOM, so that Excel opens it as UTF-8.
        return buffer.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8", "modele-engagements.csv"
    if fmt == "xlsx":
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "engagements"
        sheet.append(columns)
        sheet.append([example.get(column, "") for column in columns])
        for index, column in enumerate(columns, start=1):
            header = sheet.cell(row=1, column=index)
            header.font = Font(bold=True)
            letter = header.column_letter
            sheet.column_dimensions[letter].width = max(MIN_COLUMN_WIDTH, len(column) + HEADER_MARGIN)
            # Codes stay text (a number would lose the leading zero of 01001).
            sheet.cell(row=2, column=index).number_format = (
                "DD/MM/YYYY" if column in ("date_signature", "date_refus") else "@"
            )
        sheet.freeze_panes = "A2"
        instructions_sheet(workbook, describe_columns(columns, campaign, lookup, example))
        _drop_downs(workbook, sheet, columns, lookup, levels)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue(), XLSX_CONTENT_TYPE, "modele-engagements.xlsx"
    raise ValueError(f"Unknown template format: {fmt!r}")


def _validation(sheet: Worksheet, columns, column, formula):
    """A drop-down list on `column`'s cells; other values only warn (the import also
    accepts a framework's identifier, a level's title…, and says what is wrong)."""
    validation = DataValidation(type="list", formula1=formula, allow_blank=True, errorStyle="warning")
    validation.errorTitle = gettext("Unexpected value")
    validation.error = gettext("This value is not in the list: the import will say whether it accepts it.")
    letter = get_column_letter(columns.index(column) + 1)
    validation.add(f"{letter}2:{letter}{LAST_ROW}")
    sheet.add_data_validation(validation)


def _drop_downs(workbook, sheet, columns, lookup, levels):
    """The drop-down lists of the answer and election columns (written in the formula) and
    of the framework and level columns (read from the hidden sheet: they are long)."""
    _validation(sheet, columns, "reponse", '"{}"'.format(",".join(ANSWER_VALUES.values())))
    _validation(sheet, columns, "elue", '"{}"'.format(",".join(YES_NO)))
    if lookup is None:
        return
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    named = [("referentiel", list(dict.fromkeys(framework_values(lookup).values())))]
    for column, code in levels.items():
        values = []
        for item_id, item_code in lookup.codes.items():
            if item_code == code:
                values.extend(lookup.level_labels[pk] for pk in lookup.item_levels.get(item_id, ()))
        named.append((column, list(dict.fromkeys(values))))
    for index, (column, values) in enumerate(named, start=1):
        letter = get_column_letter(index)
        lists.cell(row=1, column=index, value=column).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=index, value=value).alignment = Alignment(wrap_text=False)
        if values:
            _validation(sheet, columns, column, f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}")
