"""What a row of signed bulletins records and changes, for the dry run's report: its
framework and items, their levels and comments, its refusal (`describe`), and what an
update changes in a bulletin (`bulletin_changes`), compared with what the database holds."""

from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_lazy, ngettext

from core.templatetags.dates import long_date

from .columns import PENDING, REFUSED

ITEMS = gettext_lazy("items")
LEVELS = gettext_lazy("levels")
COMMENTS = gettext_lazy("comments")
SIGNATORY = gettext_lazy("signatory")
ROLE = gettext_lazy("role")
SIGNED_ON = gettext_lazy("date of signature")
LIST = gettext_lazy("list")
REFUSAL = gettext_lazy("refusal")
CONTENT = (ITEMS, LEVELS, COMMENTS)  # what a signatory chose (the rest: how it was recorded)
# The column of each change of a signature (lazy texts: compared by identity, never hashed).
SIGNATURE_COLUMNS = ((SIGNATORY, "signataire"), (ROLE, "qualite"), (SIGNED_ON, "date_signature"))
COMMENT_SHOWN = 60  # characters of a comment shown in the report


def _spaces(value):
    return " ".join((value or "").split())


def names(changes):
    return ", ".join(str(change) for change in changes)


def same_refusal(recorded, row):
    """Whether the row's refusal is the one recorded: (pk, date, reason)."""
    return recorded[1] == row.refused_on and _spaces(recorded[2]) == row.refusal_reason


def bulletin_changes(row, state, commitment):
    """What the row changes in this bulletin: items, levels, comments (of the items whose
    column the file has), signatory and role (when given), date."""
    existing = state.commitment_items[commitment]  # item id -> ITEM_COLUMNS values
    changes = []
    if set(existing) != set(row.item_ids):
        changes.append(ITEMS)
    if any(item_id in existing and existing[item_id][3] != level for item_id, level in row.levels.items()):
        changes.append(LEVELS)
    if any(
        item_id in existing and _spaces(existing[item_id][4]) != comment
        for item_id, comment in row.comments.items()
    ):
        changes.append(COMMENTS)
    signatory, role, signed_on = state.signatures[commitment]
    if row.signatory_given and _spaces(signatory) != row.signatory_given:
        changes.append(SIGNATORY)
    if row.role_given and _spaces(role) != row.role_given:
        changes.append(ROLE)
    if signed_on != row.signed_on:
        changes.append(SIGNED_ON)
    return changes


def describe(row, lookup):
    """The row's details for people (outcome.details), and what it changes (outcome.changes)."""
    outcome = row.outcome
    if row.answer == PENDING:
        outcome.details = [gettext("No answer yet")]
        return
    if row.answer == REFUSED:
        outcome.details = [gettext("Refusal of %(date)s") % {"date": long_date(row.refused_on)}]
        if row.refusal_reason:
            outcome.details.append(
                gettext("Reason: “%(reason)s”")
                % {"reason": Truncator(row.refusal_reason).chars(COMMENT_SHOWN)}
            )
        return
    framework = lookup.by_pk[row.framework_id]
    codes = ", ".join(lookup.codes[item_id] for item_id in row.item_ids)
    details = [
        ngettext("%(framework)s: item %(codes)s", "%(framework)s: items %(codes)s", len(row.item_ids))
        % {"framework": framework.short_title, "codes": codes}
    ]
    for item_id, level in row.levels.items():
        if level is not None:
            details.append(
                gettext("Level of %(code)s: %(level)s")
                % {
                    "code": lookup.codes[item_id],
                    "level": Truncator(lookup.level_labels[level]).chars(COMMENT_SHOWN),
                }
            )
    for item_id, comment in row.comments.items():
        if comment:
            details.append(
                gettext("Comment on %(code)s: “%(comment)s”")
                % {"code": lookup.codes[item_id], "comment": Truncator(comment).chars(COMMENT_SHOWN)}
            )
    outcome.details = details
