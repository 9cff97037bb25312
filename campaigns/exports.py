"""The public export of a campaign (CSV, XLSX): one row per commune, list and signed
bulletin, with the refusals recorded, the items' titles, levels and comments. Its columns
are the import's (campaigns.imports.columns), plus a few for people that the import
ignores: exported, edited, a file imports again. Plain tuples all the way (no model
instances)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from commitments.models import Commitment, CommitmentItem
from frameworks.lookup import level_label
from territories.models import full_name

from .imports.columns import ANSWER_VALUES, PENDING, REFUSED, SIGNED, item_columns
from .imports.state import campaign_lookup
from .models import CandidateList, Step, Target
from .queries import campaign_targets

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from frameworks.models import Framework, Item

    from .models import Campaign

NO_REFUSAL = ("", "")

EXPORT_HEADER = [
    "code_insee",
    "commune",
    "departement",
    "region",
    "statut",
    "groupe_local",
    "liste",
    "tete_de_liste",
    "etiquette",
    "elue",
    "referentiel",
    "signataire",
    "qualite",
    "date_signature",
    "engagements",
    "intitules_engagements",
    "engagements_nationaux",
    "reponse",
    "date_refus",
    "motif_refus",
]
BULLETIN_CELLS = 7  # referentiel … engagements_nationaux
TITLES_SEPARATOR = " | "


def campaign_export_rows(campaign: Campaign, **filters: str | Framework | Item | None) -> Iterator[list[str]]:
    """Public data of a campaign, one row per target, list and signed bulletin (header first).

    Plain tuples all the way (no model instances): a campaign of thousands of communes
    exports in a few seconds. Never exported: contact emails, the log (but for its public
    refusals), invitations. After the fixed columns, a level column per item that has
    levels, and a comment column per item commented on."""
    targets = campaign_targets(campaign, **filters)
    target_ids = targets.values("pk")
    labels = {status: str(label) for status, label in Target.Status.choices}
    lists = _export_lists(target_ids)
    refusals = _export_refusals(target_ids)
    items = _export_items(target_ids)
    level_columns, _comments = item_columns(campaign_lookup(campaign))
    commented = {code for bulletin in items.values() for code in bulletin.comments}
    comment_columns = [column for column, code in _comments.items() if code in commented]
    columns = [*level_columns, *comment_columns]
    bulletins = _export_bulletins(
        target_ids, items, [(level_columns, "levels"), (_comments, "comments")], columns
    )
    yield EXPORT_HEADER + columns
    rows = targets.values_list(
        "pk",
        "commune__code",
        "commune__name",
        "commune__name_type",
        "commune__department__code",
        "commune__department__region__name",
        "status",
        "group__name",
    )
    width = len(columns)
    for pk, code, name, name_type, department, region, status, group in rows.iterator(chunk_size=2000):
        base = [code, full_name(name, name_type), department, region, labels[status], group or ""]
        yield from _export_target_rows(
            base, lists.get(pk, []), bulletins.get(pk, {}), refusals.get(pk, {}), width
        )


def _export_lists(target_ids: QuerySet[Target]) -> dict[int, list[tuple]]:
    """The targets' lists by name, by target: (pk, name, head of the list, label, elected)."""
    lists = defaultdict(list)
    for row in (
        CandidateList.objects.filter(target__in=target_ids)
        .order_by("name")
        .values_list("target_id", "pk", "name", "head_name", "political_label", "is_elected")
    ):
        lists[row[0]].append(row[1:])
    return lists


def _export_refusals(target_ids: QuerySet[Target]) -> dict[int, dict[int | None, tuple[str, str]]]:
    """The latest refusal of each list (None: of the municipality), by target: its date
    and its public reason."""
    refusals = defaultdict(dict)
    for target_id, list_id, date, reason in (
        Step.objects.filter(target__in=target_ids, kind=Step.Kind.REFUSAL)
        .order_by("date", "created_at")
        .values_list("target_id", "candidate_list_id", "date", "public_reason")
    ):
        refusals[target_id][list_id] = (date.isoformat(), reason)
    return refusals


class _Items:
    """A bulletin's items: codes, titles, the national items they count for, and by code
    the level chosen ("code — title") and the comment."""

    __slots__ = ("codes", "comments", "levels", "national_codes", "titles")

    def __init__(self) -> None:
        self.codes: list[str] = []
        self.titles: list[str] = []
        self.national_codes: list[str] = []
        self.levels: dict[str, str] = {}
        self.comments: dict[str, str] = {}


def _export_items(target_ids: QuerySet[Target]) -> dict[int, _Items]:
    """By active bulletin: its items (_Items)."""
    items = defaultdict(_Items)
    for commitment_id, code, title, parent, national, level_code, level_title, comment in (
        CommitmentItem.objects.filter(
            commitment__target__in=target_ids, commitment__withdrawn_at__isnull=True
        )
        .order_by("commitment_id", "item__position", "item__national_items__position")
        .values_list(
            "commitment_id",
            "item__code",
            "item__title",
            "item__framework__parent_id",
            "item__national_items__code",
            "level__code",
            "level__title",
            "comment",
        )
    ):
        bulletin = items[commitment_id]
        if code not in bulletin.codes:
            bulletin.codes.append(code)
            bulletin.titles.append(level_label(code, title))
            if level_code is not None:
                bulletin.levels[code] = level_label(level_code, level_title)
            if comment:
                bulletin.comments[code] = comment
        # A local item counts for the national items it stands for; a national item, for itself.
        national_code = national if parent else code
        if national_code and national_code not in bulletin.national_codes:
            bulletin.national_codes.append(national_code)
    return items


def _export_bulletins(
    target_ids: QuerySet[Target], items: dict[int, _Items], sources: list, columns: list[str]
) -> dict[int, dict[int | None, list[tuple[list[str], list[str]]]]]:
    """The cells of the active bulletins, oldest first, by target and list (None: the
    municipality's): (framework, signatory, role, date, items, their titles, national
    items), and the cells of the level and comment `columns` (`sources`: ({column: code},
    the _Items attribute) of each kind of column)."""
    bulletins = defaultdict(lambda: defaultdict(list))
    code_of = {
        column: (code, attribute) for mapping, attribute in sources for column, code in mapping.items()
    }
    wanted = [code_of[column] for column in columns]
    empty = _Items()
    for target_id, list_id, pk, framework, signatory, role, signed_on in (
        Commitment.objects.filter(target__in=target_ids, withdrawn_at__isnull=True)
        .order_by("signed_on", "pk")
        .values_list(
            "target_id",
            "candidate_list_id",
            "pk",
            "framework__slug",
            "signatory_name",
            "signatory_role",
            "signed_on",
        )
    ):
        bulletin = items.get(pk, empty)
        cells = [
            framework,
            signatory,
            role,
            signed_on.isoformat(),
            ";".join(bulletin.codes),
            TITLES_SEPARATOR.join(bulletin.titles),
            ";".join(bulletin.national_codes),
        ]
        extra = [getattr(bulletin, attribute).get(code, "") for code, attribute in wanted]
        bulletins[target_id][list_id].append((cells, extra))
    return bulletins


def _export_target_rows(
    base: list[str],
    lists: list[tuple],
    bulletins: dict[int | None, list[tuple[list[str], list[str]]]],
    refusals: dict[int | None, tuple[str, str]],
    width: int,
) -> Iterator[list[str]]:
    """A target's rows: each list with each of its bulletins (or alone when it has none),
    then the municipality's bulletins (or its refusal); the target alone when it has none
    of these. Each row says what it records ("reponse"), then the refusal of its list (or
    of the municipality), then the `width` level and comment cells of its bulletin."""
    entries = [(row[0], list(row[1:4]) + ["oui" if row[4] else "non"]) for row in lists]
    entries.append((None, ["", "", "", ""]))
    no_bulletin, no_items = [""] * BULLETIN_CELLS, [""] * width
    wrote = False
    for list_id, list_cells in entries:
        refusal = list(refusals.get(list_id, NO_REFUSAL))
        signed = bulletins.get(list_id, [])
        for cells, extra in signed:
            wrote = True
            yield base + list_cells + cells + [ANSWER_VALUES[SIGNED], *refusal] + extra
        if not signed and (list_id is not None or list_id in refusals):
            wrote = True
            answer = ANSWER_VALUES[REFUSED if list_id in refusals else PENDING]
            yield base + list_cells + no_bulletin + [answer, *refusal] + no_items
    if not wrote:
        yield base + ["", "", "", ""] + no_bulletin + [ANSWER_VALUES[PENDING], *NO_REFUSAL] + no_items
