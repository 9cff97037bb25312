"""The rules of commitments as pure functions: values in, values out, no database, no I/O.

Two write paths apply them: campaigns.services (one bulletin, one election result at a
time) and campaigns.imports (thousands of spreadsheet rows written in bulk). Both call
these functions, so they cannot drift apart; commitments/tests/test_parity.py plays the
same scenarios through both and compares the rows and the history they leave.

- `target_status`: the public status of a commune in a campaign (a list signed, the
  commune committed for the mandate, a refusal…), from its bulletins and its refusals;
- `is_for_the_mandate`, `mandate_plan`: the rows of the commune's commitments for the
  mandate that signed bulletins and an election result call for;
- `list_change`: what a change to a candidate list changes (a change of `is_elected` is
  an election result: the commune's bulletins are then planned again for the mandate).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import NamedTuple

# The public status of a target (the values of campaigns.models.Target.Status).
NOT_INTERPELLATED = "not_interpellated"
INTERPELLATED = "interpellated"
LIST_SIGNED = "list_signed"
COMMITTED = "committed"
REFUSED = "refused"


def target_status(
    *,
    bulletins: Iterable[Bulletin] = (),
    signature_is_mandate: bool = False,
    refused_by: Collection[int | None] = (),
    list_ids: Collection[int] = (),
    elected_list_id: int | None = None,
    interpellated: bool = False,
) -> str:
    """The public status of a commune in a campaign.

    - bulletins: its signed bulletins (withdrawn ones count for nothing), `list_elected`
      set on those of the list recorded as elected;
    - signature_is_mandate: the campaign's kind makes the municipality's signature the
      mandate's (campaigns.kinds);
    - refused_by: who refused, as logged: list ids, None for the municipality;
    - list_ids: the commune's candidate lists; elected_list_id: the one recorded as elected;
    - interpellated: something was done: a step logged, an invitation sent, a bulletin
      signed (even if withdrawn since).

    In this order:
    COMMITTED: a bulletin counts for the mandate (`is_for_the_mandate`: the elected
    list's, the municipality's where its signature is the mandate's, a deliberation);
    REFUSED: the municipality refused, or the elected list did: the commune's answer;
    LIST_SIGNED: a list signed that is not (yet) the elected one;
    REFUSED: every list refused (or a refusal is logged and there is no list);
    INTERPELLATED once anything was done; else NOT_INTERPELLATED.

    A refusal stays on record whatever the status: the campaign counts them apart.
    """
    active = [bulletin for bulletin in bulletins if bulletin.active]
    if any(is_for_the_mandate(bulletin, signature_is_mandate=signature_is_mandate) for bulletin in active):
        return COMMITTED
    refused = set(refused_by)
    if None in refused or (elected_list_id is not None and elected_list_id in refused):
        return REFUSED
    if active:
        return LIST_SIGNED
    if refused and (not list_ids or set(list_ids) <= refused):
        return REFUSED
    return INTERPELLATED if interpellated or refused else NOT_INTERPELLATED


# Commitments for the mandate ------------------------------------------------------------


class Bulletin(NamedTuple):
    """A signed bulletin, as the rules of the mandate see it. (Value objects are named
    tuples: the import makes one per row, and a tuple is the cheapest to make.)"""

    commitment_id: int
    commune_id: int
    list_id: int | None = None  # None: signed by the municipality
    list_elected: bool = False  # its list is the one recorded as elected
    by_deliberation: bool = False  # a council deliberation
    active: bool = True  # not withdrawn


class MandateRow(NamedTuple):
    """A commitment of the commune for the mandate (a row of MandateCommitment)."""

    commitment_id: int
    commune_id: int
    campaign_id: int
    start_year: int
    end_year: int


@dataclass(frozen=True, slots=True)
class MandatePlan:
    create: tuple[MandateRow, ...] = ()
    delete: tuple[int, ...] = ()  # ids of the commitments whose row for the mandate goes

    def __bool__(self):
        return bool(self.create or self.delete)


def is_for_the_mandate(bulletin: Bulletin, *, signature_is_mandate: bool) -> bool:
    """A bulletin that stands is the commune's commitment for the mandate when it is a
    council deliberation, the elected list's, or the municipality's where the campaign's
    kind makes its signature the mandate's (campaigns.kinds, `signature_is_mandate`)."""
    if not bulletin.active:
        return False
    if bulletin.by_deliberation:
        return True
    if bulletin.list_id is None:
        return signature_is_mandate
    return bulletin.list_elected


def mandate_plan(
    bulletins: Iterable[Bulletin],
    *,
    mandated: Collection[int],
    campaign_id: int,
    years: tuple[int, int],
    signature_is_mandate: bool,
) -> MandatePlan:
    """The rows for the mandate that these bulletins call for, given `mandated`: the ids
    of the commitments that have one already. Only the given bulletins are planned (a
    bulletin given twice counts once): a new bulletin alone, a target's bulletins after
    an election result, a chunk of spreadsheet rows."""
    start_year, end_year = years
    create, delete, seen = [], [], set()
    for bulletin in bulletins:
        pk = bulletin.commitment_id
        if pk in seen:
            continue
        seen.add(pk)
        wanted = is_for_the_mandate(bulletin, signature_is_mandate=signature_is_mandate)
        if wanted and pk not in mandated:
            create.append(MandateRow(pk, bulletin.commune_id, campaign_id, start_year, end_year))
        elif not wanted and pk in mandated:
            delete.append(pk)
    return MandatePlan(tuple(create), tuple(delete))


# Candidate lists ------------------------------------------------------------------------


class ListState(NamedTuple):
    """What is recorded of a candidate list (its name identifies it and is left out)."""

    head_name: str
    email: str
    political_label: str
    is_elected: bool


def list_change(current: ListState, wanted: ListState, *, completes: bool = False) -> dict[str, object]:
    """The fields of a list that go from `current` to `wanted`, with their new values
    (empty: no change).

    With `completes` (a spreadsheet), what a row leaves blank keeps what is recorded, and a
    list is recorded as elected, never unrecorded: a file completes the record, the
    commune's page corrects it."""
    if current == wanted:
        return {}
    return {
        name: new
        for name, old, new in zip(ListState._fields, current, wanted, strict=True)
        if new != old and not (completes and not new)
    }
