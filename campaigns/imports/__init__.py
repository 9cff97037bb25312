"""Import of signed commitments (bulletins d'engagement) from a CSV or XLSX spreadsheet.

Partners keep spreadsheets of who signed what. A coordinator uploads one for a campaign:

- `import_check(upload, campaign=…)` reads and validates every row and writes nothing: each
  row's outcome (create / update / unchanged / error) and every error with its line and column;
- `import_apply(upload, campaign=…, user=…)` validates again and, when no row has an error,
  writes everything in one transaction (otherwise it raises ImportRefused and writes nothing);
- `import_template(fmt)` is an empty template (header and one example row; as XLSX, with
  a sheet of instructions and drop-down lists).

A row records a signed bulletin (its framework, items, and each item's level and comment
in the columns "niveau_<code>" and "commentaire_<code>"), a list's refusal, or a list
still waiting for an answer ("reponse": signé, refus, en attente; told by the cells
filled when empty). A campaign's export (exports.py) has the same columns: exported,
edited, it imports again. A spreadsheet never deletes a list, a bulletin or a refusal (it
may take items off a bulletin it imported), and never changes a bulletin signed online,
on paper or by deliberation.

The number of queries does not grow with the rows: the communes (territories.lookup), and
the campaign's targets, lists and commitments, are read once into dictionaries; new rows
are written in bulk, a chunk of rows at a time, with their django-simple-history records
(see bulk._Bulk).

The steps, one module each: columns.py (the columns), reading.py (the file's bytes, rows
and header), state.py (what the database holds, read once), rows.py (each row on its
own), validation.py (the checks across rows, each row's action: the ImportReport of
report.py, with details.py's details), writing.py and updates.py (the chunks written,
through bulk.py), template.py (the template). What every import shares (the
report, the reading within limits, the command's printing) is core.imports'.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from core.imports import (
    ACTION_LABELS,
    ACTIONS,
    CREATE,
    ERROR,
    UNCHANGED,
    UPDATE,
    ImportFileError,
    ImportRefused,
    ImportReport,
)
from territories.lookup import Communes

from ..models import Campaign
from .columns import COLUMNS, item_columns
from .reading import MAX_BYTES, _read
from .report import RowOutcome
from .state import campaign_lookup
from .template import XLSX_CONTENT_TYPE, import_template
from .validation import _validate
from .writing import _Writer

__all__ = [
    "ACTIONS",
    "ACTION_LABELS",
    "COLUMNS",
    "CREATE",
    "ERROR",
    "MAX_BYTES",
    "UNCHANGED",
    "UPDATE",
    "XLSX_CONTENT_TYPE",
    "ImportFileError",
    "ImportRefused",
    "ImportReport",
    "RowOutcome",
    "import_apply",
    "import_check",
    "import_template",
]

logger = logging.getLogger(__name__)


def _item_columns(lookup):
    levels, comments = item_columns(lookup)
    return [*levels, *comments]


def import_check(upload, *, campaign):
    """Read and validate the file; write nothing. Raises ImportFileError for the whole file."""
    lookup = campaign_lookup(campaign)
    report, _rows, _state = _validate(_read(upload, _item_columns(lookup)), campaign, Communes(), lookup)
    return report


def import_apply(upload, *, campaign, user, group=None, progress=None):
    """Validate again and write every row in one transaction, or nothing (ImportRefused).

    `progress(done, total)` is called as rows are written.
    """
    # Reading the file, the communes and the frameworks needs no transaction (nor the
    # write lock of SQLite).
    lookup = campaign_lookup(campaign)
    read, communes = _read(upload, _item_columns(lookup)), Communes()
    try:
        with transaction.atomic():
            # Serialise imports of one campaign (PostgreSQL; SQLite serialises writes anyway).
            Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
            report, rows, state = _validate(read, campaign, communes, lookup)
            if not report.ok:
                raise ImportRefused(report)
            _Writer(campaign, state, user, group).write(rows, progress)
    except IntegrityError:
        logger.warning(
            "Import of commitments into %s collided with another change", campaign.slug, exc_info=True
        )
        raise ImportFileError(
            gettext("The campaign changed during the import: nothing was imported, try again.")
        ) from None
    return report
