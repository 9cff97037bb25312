"""The public export of a campaign (CSV, XLSX): one row per commune, list and signed
bulletin, with the refusals recorded. Plain tuples all the way (no model instances)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from commitments.models import Commitment, CommitmentItem
from territories.models import full_name

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
    "engagements_nationaux",
    "date_refus",
    "motif_refus",
]


def campaign_export_rows(campaign: Campaign, **filters: str | Framework | Item | None) -> Iterator[list[str]]:
    """Public data of a campaign, one row per target, list and signed bulletin (header first).

    Plain tuples all the way (no model instances): a campaign of thousands of communes
    exports in a few seconds. Never exported: contact emails, the log (but for its public
    refusals), invitations."""
    targets = campaign_targets(campaign, **filters)
    target_ids = targets.values("pk")
    labels = {status: str(label) for status, label in Target.Status.choices}
    lists = _export_lists(target_ids)
    refusals = _export_refusals(target_ids)
    bulletins = _export_bulletins(target_ids, *_export_item_codes(target_ids))
    yield EXPORT_HEADER
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
    for pk, code, name, name_type, department, region, status, group in rows.iterator(chunk_size=2000):
        base = [code, full_name(name, name_type), department, region, labels[status], group or ""]
        yield from _export_target_rows(base, lists.get(pk, []), bulletins.get(pk, {}), refusals.get(pk, {}))


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


def _export_item_codes(target_ids: QuerySet[Target]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """By active bulletin: the codes of its items, and of the national items they count for."""
    codes, national_codes = defaultdict(list), defaultdict(list)
    for commitment_id, code, parent, national in (
        CommitmentItem.objects.filter(
            commitment__target__in=target_ids, commitment__withdrawn_at__isnull=True
        )
        .order_by("commitment_id", "item__position", "item__national_items__position")
        .values_list(
            "commitment_id", "item__code", "item__framework__parent_id", "item__national_items__code"
        )
    ):
        if code not in codes[commitment_id]:
            codes[commitment_id].append(code)
        # A local item counts for the national items it stands for; a national item, for itself.
        national_code = national if parent else code
        if national_code and national_code not in national_codes[commitment_id]:
            national_codes[commitment_id].append(national_code)
    return codes, national_codes


def _export_bulletins(
    target_ids: QuerySet[Target], codes: dict[int, list[str]], national_codes: dict[int, list[str]]
) -> dict[int, dict[int | None, list[list[str]]]]:
    """The cells of the active bulletins, oldest first, by target and list (None: the
    municipality's): framework, signatory, role, date, items, national items."""
    bulletins = defaultdict(lambda: defaultdict(list))
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
        bulletins[target_id][list_id].append(
            [
                framework,
                signatory,
                role,
                signed_on.isoformat(),
                ";".join(codes.get(pk, [])),
                ";".join(national_codes.get(pk, [])),
            ]
        )
    return bulletins


def _export_target_rows(
    base: list[str],
    lists: list[tuple],
    bulletins: dict[int | None, list[list[str]]],
    refusals: dict[int | None, tuple[str, str]],
) -> Iterator[list[str]]:
    """A target's rows: each list with each of its bulletins (or alone when it has none),
    then the municipality's bulletins (or its refusal); the target alone when it has none
    of these. Each row ends with the refusal of its list (or of the municipality)."""
    entries = [(row[0], list(row[1:4]) + ["oui" if row[4] else "non"]) for row in lists]
    entries.append((None, ["", "", "", ""]))
    wrote = False
    for list_id, list_cells in entries:
        refusal = list(refusals.get(list_id, NO_REFUSAL))
        signed = bulletins.get(list_id, [])
        for cells in signed:
            wrote = True
            yield base + list_cells + cells + refusal
        if not signed and (list_id is not None or list_id in refusals):
            wrote = True
            yield base + list_cells + [""] * 6 + refusal
    if not wrote:
        yield base + [""] * 10 + list(NO_REFUSAL)
