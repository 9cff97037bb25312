"""The columns of a spreadsheet of declared commitments, and its limits. The headers are
French data (not translated): a file's headers match them ignoring case, accents, spaces
and underscores (core.spreadsheets.header_key)."""

from core.spreadsheets import MEGABYTE

COLUMNS = [
    "code_insee",
    "commune",
    "departement",
    "referentiel",
    "engagements",
    "date",
    "engage_par",
    "nom_liste",
    "tete_de_liste",
    "lien_preuve",
    "deliberation",
]
MAX_BYTES = 10 * MEGABYTE
MAX_ROWS = 20_000
