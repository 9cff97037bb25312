"""Validation of the whole file: the checks that need several rows or the database
(duplicates, heads of list, elected lists), then each valid row's action, in an
ImportReport."""

from django.utils.translation import gettext

from commitments import domain
from commitments.models import Commitment
from core.imports import CREATE, UNCHANGED, UPDATE, ImportReport

from .reading import _check_columns
from .rows import _Validator
from .state import _Campaign, _fold


def _cross_checks(rows, campaign, state):
    """What needs several rows or the database: duplicates, heads of list, elected lists."""
    has_lists = campaign.kind_spec.has_lists
    seen, heads, elected = {}, {}, {}
    for row in rows:
        outcome, commune = row.outcome, row.commune
        if commune is None:
            continue
        list_key = row.list_key if has_lists else None
        if row.framework_id is not None:
            key = (commune.pk, list_key, row.framework_id)
            if key in seen:
                if has_lists:
                    message = gettext("Same commune, list and framework as line %(line)s.")
                else:
                    message = gettext("Same commune and framework as line %(line)s.")
                outcome.error("liste" if has_lists else "referentiel", message % {"line": seen[key]})
            else:
                seen[key] = outcome.line
        if not has_lists or not list_key:
            continue
        head_key = (commune.pk, list_key)
        if row.head_name:
            if head_key in heads and _fold(heads[head_key][1]) != _fold(row.head_name):
                line, head = heads[head_key]
                outcome.error(
                    "tete_de_liste",
                    gettext("The list “%(list)s” has another head of list on line %(line)s: %(head)s.")
                    % {"list": row.list_name, "line": line, "head": head},
                )
            heads.setdefault(head_key, (outcome.line, row.head_name))
        if row.elected:
            other = elected.get(commune.pk)
            if other and other[1] != list_key:
                outcome.error(
                    "elue",
                    gettext("Another list of this commune is marked elected on line %(line)s.")
                    % {"line": other[0]},
                )
            elected.setdefault(commune.pk, (outcome.line, list_key))
            in_database = state.elected_list(commune.pk)
            if in_database is not None and _fold(in_database.name) != list_key:
                outcome.error(
                    "elue",
                    gettext("Another list of this commune, “%(list)s”, is already recorded as elected.")
                    % {"list": in_database.name},
                )


def _list_changes(row, candidate_list):
    """The fields of an existing list that the row changes (a file completes a list:
    commitments.domain.list_change)."""
    current = (
        candidate_list.head_name,
        candidate_list.email,
        candidate_list.political_label,
        candidate_list.is_elected,
    )
    wanted = (row.head_name, row.email, row.label, row.elected)
    if wanted == current:  # the usual case of a file imported again: nothing to ask the rule
        return {}
    return domain.list_change(domain.ListState(*current), domain.ListState(*wanted), completes=True)


def _actions(rows, campaign, state):
    has_lists = campaign.kind_spec.has_lists
    for row in rows:
        if row.outcome.errors:
            continue
        candidate_list = state.list_of(row.commune.pk, row.list_key) if has_lists else None
        if has_lists and candidate_list is None:
            row.outcome.action = CREATE
            continue
        commitment = state.commitment_of(row.commune.pk, candidate_list, row.framework_id)
        if commitment is None:
            row.outcome.action = CREATE
        elif state.channels.get(commitment) != Commitment.Channel.IMPORT and set(
            state.commitment_items[commitment]
        ) != set(row.item_ids):
            # A bulletin signed online, on paper or by deliberation is the signatory's word:
            # a spreadsheet never rewrites it.
            row.outcome.error(
                "engagements",
                gettext(
                    "This bulletin was signed online, on paper or by deliberation with other items: "
                    "a spreadsheet does not change it (it can be withdrawn, then signed again)."
                ),
            )
        elif set(state.commitment_items[commitment]) != set(row.item_ids) or (
            candidate_list is not None and _list_changes(row, candidate_list)
        ):
            row.outcome.action = UPDATE
        else:
            row.outcome.action = UNCHANGED


def _validate(read, campaign, communes):
    """The report and the validated rows of a file read by _read, against the database."""
    present, raw_rows = read
    state = _Campaign(campaign)
    _check_columns(present, campaign, state.frameworks)
    validator = _Validator(campaign, communes, state)
    rows = [validator.row(line, values, extra) for line, values, extra in raw_rows]
    _cross_checks(rows, campaign, state)
    _actions(rows, campaign, state)
    return ImportReport(rows=[row.outcome for row in rows]), rows, state
