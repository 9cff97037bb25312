"""Validation of the whole file: the checks that need several rows or the database
(duplicates, heads of list, elected lists, a list that signs and refuses), then each valid
row's action and what it changes (details.py), in an ImportReport."""

from django.utils.translation import gettext

from commitments import domain
from commitments.models import Commitment
from core.imports import CREATE, UNCHANGED, UPDATE, ImportReport
from core.templatetags.dates import long_date

from . import details
from .columns import REFUSED, SIGNED
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


def _answers_cross_checks(rows, campaign):
    """A list (or the municipality) refuses once, and not in a file where it signs."""
    has_lists = campaign.kind_spec.has_lists
    signed, refused = {}, {}
    for row in rows:
        if row.commune is None:
            continue
        key = (row.commune.pk, row.list_key if has_lists else None)
        if row.answer == SIGNED:
            signed.setdefault(key, row.outcome.line)
        elif row.answer == REFUSED:
            if key in refused:
                row.outcome.error(
                    "reponse", gettext("The same refusal as line %(line)s.") % {"line": refused[key]}
                )
            refused.setdefault(key, row.outcome.line)
    for row in rows:
        key = (row.commune.pk, row.list_key if has_lists else None) if row.commune else None
        if row.answer == REFUSED and key in signed:
            row.outcome.error(
                "reponse",
                gettext(
                    "Line %(line)s records a bulletin signed by the same list: one file cannot "
                    "both sign and refuse."
                )
                % {"line": signed[key]},
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
    """Each valid row's action (create, update, unchanged), and what an update changes."""
    has_lists = campaign.kind_spec.has_lists
    for row in rows:
        if row.outcome.errors:
            continue
        candidate_list = state.list_of(row.commune.pk, row.list_key) if has_lists else None
        if has_lists and row.list_key and candidate_list is None:
            row.outcome.action = CREATE
        elif row.answer == SIGNED:
            _signed_action(row, state, candidate_list)
        elif row.answer == REFUSED:
            _refused_action(row, state, candidate_list)
        elif row.commune.pk not in state.targets:
            row.outcome.action = CREATE
        else:
            _changed(row, _list_change_names(row, candidate_list))
        details.describe(row, state.lookup)


def _changed(row, changes):
    row.outcome.changes = [str(change) for change in changes]
    row.outcome.action = UPDATE if changes else UNCHANGED


def _list_change_names(row, candidate_list):
    if candidate_list is None or not _list_changes(row, candidate_list):
        return []
    return [details.LIST]


def _signed_action(row, state, candidate_list):
    commitment = state.commitment_of(row.commune.pk, candidate_list, row.framework_id)
    if commitment is None:
        row.outcome.action = CREATE
        return
    changes = details.bulletin_changes(row, state, commitment)
    if changes and state.channels.get(commitment) != Commitment.Channel.IMPORT:
        # A bulletin signed online, on paper or by deliberation is the signatory's word:
        # a spreadsheet never rewrites it, and says so rather than ignoring the file.
        _refuse_rewrite(row, changes, state.signatures[commitment])
        return
    if row.refused_on is not None or row.refusal_reason:
        recorded = state.refusal_of(row.commune.pk, candidate_list)
        if recorded is None or not details.same_refusal(recorded, row):
            row.outcome.error(
                "date_refus",
                gettext(
                    "A signed bulletin's line does not change its list's refusal: give the refusal "
                    "on a line of its own, with “refus” in the “reponse” column."
                ),
            )
            return
    _changed(row, changes + _list_change_names(row, candidate_list))


def _refuse_rewrite(row, changes, signature):
    """The error of a row that would change a bulletin signed online, on paper or by
    deliberation: what differs, and for its signature, the one recorded."""
    if details.ITEMS in changes:
        message = gettext(
            "This bulletin was signed online, on paper or by deliberation with other items: "
            "a spreadsheet does not change it (it can be withdrawn, then signed again)."
        )
        row.outcome.error("engagements", message)
        return
    if any(change in details.CONTENT for change in changes) or signature[2] is None:
        message = gettext(
            "This bulletin was signed online, on paper or by deliberation: a spreadsheet does "
            "not change it (%(changes)s differ; it can be withdrawn, then signed again)."
        ) % {"changes": details.names(changes)}
        row.outcome.error("engagements", message)
        return
    signatory, role, signed_on = signature
    message = gettext(
        "This bulletin was signed online, on paper or by deliberation, by %(signatory)s on "
        "%(date)s: a spreadsheet does not change it (differences: %(changes)s). Write its "
        "signature as recorded, or leave “signataire” and “qualite” empty; the bulletin can be "
        "withdrawn, then signed again."
    ) % {
        "signatory": f"{signatory} ({role})" if role else signatory,
        "date": long_date(signed_on),
        "changes": details.names(changes),
    }
    column = next(column for change, column in details.SIGNATURE_COLUMNS if change is changes[0])
    row.outcome.error(column, message)


def _refused_action(row, state, candidate_list):
    recorded = state.refusal_of(row.commune.pk, candidate_list)
    if recorded is None:
        row.outcome.action = CREATE
        return
    changes = [] if details.same_refusal(recorded, row) else [details.REFUSAL]
    _changed(row, changes + _list_change_names(row, candidate_list))


def _validate(read, campaign, communes, lookup=None):
    """The report and the validated rows of a file read by _read, against the database."""
    present, raw_rows = read
    state = _Campaign(campaign, lookup)
    _check_columns(present, campaign, state.frameworks)
    validator = _Validator(campaign, communes, state, present)
    rows = [validator.row(line, values, extra) for line, values, extra in raw_rows]
    _cross_checks(rows, campaign, state)
    _answers_cross_checks(rows, campaign)
    _actions(rows, campaign, state)
    return ImportReport(rows=[row.outcome for row in rows]), rows, state
