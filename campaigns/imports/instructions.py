"""The instructions sheet of the XLSX template, in the reader's language: how the file is
read, then each column: what it holds, the values it accepts and an example."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext, pgettext
from openpyxl.styles import Alignment, Font

from core.templatetags.dates import long_date

from .columns import ANSWER_VALUES, COMMENT_PREFIX, LEVEL_PREFIX, YES_NO, framework_values
from .reading import MAX_ROWS

TEXT_WIDTH = 70  # characters of the "what it holds" column
VALUES_WIDTH = 45
EXAMPLE_WIDTH = 30


def _meanings(has_lists):
    """What each fixed column holds."""
    municipality_only = gettext("Leave empty: this campaign asks the municipality, not lists.")
    return {
        "code_insee": gettext(
            "The commune's INSEE code (5 characters). Give it, or the commune's name and its department."
        ),
        "commune": gettext(
            "The commune's name, with its article. Not needed with the INSEE code (checked against it)."
        ),
        "departement": gettext("The department's code: it tells apart communes of the same name."),
        "liste": gettext("The candidate list's name.") if has_lists else municipality_only,
        "tete_de_liste": gettext("The first and last name of the head of the list.")
        if has_lists
        else municipality_only,
        "email": gettext("The list's contact email (optional, never published).")
        if has_lists
        else municipality_only,
        "etiquette": gettext("The list's political label (optional).") if has_lists else municipality_only,
        "referentiel": gettext(
            "The framework signed: its short title or its identifier (optional when the campaign has only one)."
        ),
        "engagements": gettext("The codes of the items signed, separated by “;”."),
        "signataire": gettext("Who signed (by default, the head of the list).")
        if has_lists
        else gettext("Who signed for the municipality."),
        "qualite": gettext("The signatory's role (by default, head of list).")
        if has_lists
        else gettext("The signatory's role (required)."),
        "date_signature": gettext("The date of signature (not in the future)."),
        "elue": gettext("Whether the list won the election, once the result is known.")
        if has_lists
        else municipality_only,
        "reponse": gettext(
            "What the list answered: a signed bulletin, a refusal, or no answer yet. "
            "When empty, the cells filled tell."
        ),
        "date_refus": gettext("For a refusal: its date."),
        "motif_refus": gettext("For a refusal: its reason, shown publicly (500 characters at most)."),
    }


def _accepted(column, lookup, frameworks):
    """The values a column accepts, when they are few."""
    date_format = gettext("DD/MM/YYYY (or YYYY-MM-DD)")
    accepted = {
        "code_insee": gettext("5 characters, such as 93066 or 2A004"),
        "referentiel": ", ".join(frameworks),
        "date_signature": date_format,
        "date_refus": date_format,
        "elue": ", ".join(YES_NO),
        "reponse": ", ".join(ANSWER_VALUES.values()),
    }
    if column in accepted:
        return accepted[column]
    if column.startswith(LEVEL_PREFIX) and lookup is not None:
        code = column[len(LEVEL_PREFIX) :]
        labels = [
            lookup.level_labels[pk]
            for item_id, item_code in lookup.codes.items()
            if item_code == code
            for pk in lookup.item_levels.get(item_id, ())
        ]
        return "\n".join(dict.fromkeys(labels))
    return ""


def _meaning(column, meanings):
    if column in meanings:
        return meanings[column]
    if column.startswith(LEVEL_PREFIX):
        return gettext("The level chosen for item %(code)s (its code is enough).") % {
            "code": column[len(LEVEL_PREFIX) :]
        }
    return gettext("The signatory's comment on item %(code)s (1000 characters at most).") % {
        "code": column[len(COMMENT_PREFIX) :]
    }


def describe_columns(columns, campaign, lookup, example):
    """(column, what it holds, accepted values, example) of each column of the template."""
    has_lists = campaign is None or campaign.kind_spec.has_lists
    meanings = _meanings(has_lists)
    frameworks = list(framework_values(lookup).values()) if lookup else []
    rows = []
    for column in columns:
        value = example.get(column, "")
        if isinstance(value, date):
            value = value.strftime("%d/%m/%Y")
        rows.append((column, _meaning(column, meanings), _accepted(column, lookup, frameworks), value))
    return rows


def _introduction():
    return [
        gettext("How to fill in this file"),
        gettext(
            "Fill in the sheet “engagements”, one line per bulletin signed (a list and a framework), "
            "per refusal, or per list still waiting for an answer. Keep its first line: the names of "
            "the columns (in any order; a column you do not use can be removed)."
        ),
        gettext(
            "The file is first checked without changing anything: every error is shown with its line "
            "and column. Then everything is written, or nothing. %(max)s lines at most."
        )
        % {"max": f"{MAX_ROWS:,}".replace(",", "\u202f")},
        gettext(
            "A campaign's export has the same columns: it can be edited and imported again. A bulletin "
            "signed online, on paper or by deliberation is never changed by a spreadsheet."
        ),
        gettext("Template of %(date)s.") % {"date": long_date(timezone.localdate())},
    ]


def instructions_sheet(workbook, rows):
    """Add the instructions sheet (after the data sheet, which the import reads)."""
    sheet = workbook.create_sheet(pgettext("spreadsheet sheet name", "Instructions"))
    for line, text in enumerate(_introduction(), start=1):
        cell = sheet.cell(row=line, column=1, value=text)
        cell.font = Font(bold=line == 1, size=14 if line == 1 else 11)
    start = len(_introduction()) + 2
    headers = [gettext("Column"), gettext("What it holds"), gettext("Accepted values"), gettext("Example")]
    for index, header in enumerate(headers, start=1):
        sheet.cell(row=start, column=index, value=header).font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for line, values in enumerate(rows, start=start + 1):
        for index, value in enumerate(values, start=1):
            sheet.cell(row=line, column=index, value=value).alignment = wrap
        sheet.cell(row=line, column=1).font = Font(bold=True)
    for letter, width in zip("ABCD", (22, TEXT_WIDTH, VALUES_WIDTH, EXAMPLE_WIDTH), strict=True):
        sheet.column_dimensions[letter].width = width
