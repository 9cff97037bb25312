"""The columns of a spreadsheet of signed bulletins, shared by the import, its template
and the campaign's export (an exported file, edited, imports again). The headers and the
values below are French data, not interface text: a file's headers match them ignoring
case, accents, spaces and underscores.

- COLUMNS: the template's fixed columns, in order;
- a level and a comment column per item of the campaign's frameworks (`item_columns`):
  "niveau_07" (items that have levels) and "commentaire_07";
- EXPORT_ONLY: what the export adds for people (region, status, group, titles of the
  items, national items), read and ignored by the import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from territories.normalize import words

if TYPE_CHECKING:
    from frameworks.lookup import FrameworkLookup

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
    "reponse",
    "date_refus",
    "motif_refus",
]
EXPORT_ONLY = ["region", "statut", "groupe_local", "intitules_engagements", "engagements_nationaux"]
LEVEL_PREFIX = "niveau_"
COMMENT_PREFIX = "commentaire_"

# The answer a row records ("reponse"): a signed bulletin, a refusal, or none yet.
SIGNED, REFUSED, PENDING = "signed", "refused", "pending"
ANSWER_VALUES = {SIGNED: "signé", REFUSED: "refus", PENDING: "en attente"}  # as files write them
ANSWER_WORDS = {  # what a file may write (normalised: territories.normalize.words)
    "signe": SIGNED,
    "signee": SIGNED,
    "signature": SIGNED,
    "refus": REFUSED,
    "refuse": REFUSED,
    "refusee": REFUSED,
    "en attente": PENDING,
    "attente": PENDING,
    "sans reponse": PENDING,
}
YES_NO = ("oui", "non")


def answer_of(given: str) -> str | None:
    """The answer a "reponse" cell names ("" when empty: told by the other cells); None
    when unknown."""
    key = " ".join(words(given))
    if not key:
        return ""
    return ANSWER_WORDS.get(key)


def level_column(code: str) -> str:
    return LEVEL_PREFIX + code


def comment_column(code: str) -> str:
    return COMMENT_PREFIX + code


def item_columns(lookup: FrameworkLookup) -> tuple[dict[str, str], dict[str, str]]:
    """The level and comment columns of the frameworks' items, in order (by framework,
    then position): ({"niveau_07": "07"}, {"commentaire_07": "07"}). Items of several
    frameworks with one code share a column (each row names its framework)."""
    levels, comments = {}, {}
    for item_id, code in lookup.codes.items():
        if lookup.level_codes.get(item_id):
            levels.setdefault(level_column(code), code)
        comments.setdefault(comment_column(code), code)
    return levels, comments


def framework_values(lookup):
    """How the template names each framework: its short title when no other framework of
    the campaign has it (it reads better), else its identifier."""
    values = {}
    for framework in lookup.frameworks:
        short = framework.short_title
        values[framework.pk] = short if len(lookup.find(short)) == 1 else framework.slug
    return values
