"""What a file changes in rows that exist (their history written by
django-simple-history's bulk update, a chunk at a time): the levels and comments of a
bulletin's items, an imported bulletin's signature, and the refusals (new ones in bulk,
with their history; a recorded one whose date or reason the file corrects)."""

from simple_history.utils import bulk_update_with_history

from commitments.models import Commitment, CommitmentItem
from core.concurrency import bump

from ..models import Step
from .bulk import _chunks
from .columns import REFUSED
from .details import same_refusal

UPDATE_CHUNK = 500  # rows fetched and updated at a time
STEP_COLUMNS = (
    "target_id",
    "candidate_list_id",
    "kind",
    "date",
    "public_reason",
    "created_by_id",
    "created_at",
)


def _spaces(value):
    return " ".join((value or "").split())


def items_changed(row, existing):
    """(item row id, level id, comment) of the bulletin's items whose level or comment the
    row changes (only the columns the file has); `existing` (item id -> state.ITEM_COLUMNS
    values) is kept up to date."""
    changed = []
    for item_id, values in list(existing.items()):
        level = row.levels.get(item_id, values[3])
        comment = values[4]
        if item_id in row.comments and _spaces(comment) != row.comments[item_id]:
            comment = row.comments[item_id]
        if (level, comment) != (values[3], values[4]):
            changed.append((values[0], level, comment))
            existing[item_id] = (*values[:3], level, comment)
    return changed


def signature_changed(row, current):
    """The corrected (signatory, role, signed on) of an imported bulletin; None when the
    row changes none (the validation refuses to change other bulletins)."""
    signatory, role, signed_on = current
    wanted = (
        row.signatory_given
        if row.signatory_given and _spaces(signatory) != row.signatory_given
        else signatory,
        row.role_given if row.role_given and _spaces(role) != row.role_given else role,
        row.signed_on,
    )
    return wanted if wanted != current else None


def _bulk_update(model, changes, fields, *, user, now):
    """Set `fields` of the rows {pk: values} (fetched a chunk at a time), with history."""
    for chunk in _chunks(list(changes), UPDATE_CHUNK):
        instances = list(model.objects.filter(pk__in=chunk))
        for instance in instances:
            for name, value in zip(fields, changes[instance.pk], strict=True):
                setattr(instance, name, value)
        bulk_update_with_history(instances, model, fields, default_user=user, default_date=now)
        if hasattr(model, "version"):  # an edit form opened before the import is refused (a step's)
            bump(model, chunk)


def items_update(changed, *, user, now):
    _bulk_update(
        CommitmentItem,
        {pk: (level, comment) for pk, level, comment in changed},
        ["level_id", "comment"],
        user=user,
        now=now,
    )


def signatures_update(signatures, *, user, now):
    _bulk_update(
        Commitment, signatures, ["signatory_name", "signatory_role", "signed_on"], user=user, now=now
    )


def refusals(writer, rows, row_lists):
    """The refusals of the rows that record one: new ones created, recorded ones whose
    date or reason differ updated; the state's refusals kept up to date (for the status)."""
    state = writer.state
    new, changed = [], {}
    for row, candidate_list in zip(rows, row_lists, strict=True):
        if row.answer != REFUSED:
            continue
        target_pk = state.targets[row.commune.pk].pk
        list_pk = candidate_list.pk if candidate_list else None
        recorded = state.refusal_steps.get((target_pk, list_pk))
        if recorded is None:
            new.append(
                (
                    target_pk,
                    list_pk,
                    Step.Kind.REFUSAL,
                    row.refused_on,
                    row.refusal_reason,
                    writer.user_id,
                    writer.now,
                )
            )
        elif not same_refusal(recorded, row):
            changed[recorded[0]] = (row.refused_on, row.refusal_reason)
            state.refusal_steps[(target_pk, list_pk)] = (recorded[0], row.refused_on, row.refusal_reason)
        state.refusals[target_pk].add(list_pk)
    ids = writer.bulk.create(Step, STEP_COLUMNS, new)
    for values, pk in zip(new, ids, strict=True):
        state.refusal_steps[(values[0], values[1])] = (pk, values[3], values[4])
    _bulk_update(Step, changed, ["date", "public_reason"], user=writer.user, now=writer.now)
