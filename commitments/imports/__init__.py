"""Import of declared commitments (commitments made elsewhere) for many communes at once,
from a CSV or XLSX spreadsheet kept by a partner:

- `import_check(upload)` reads and validates every row and writes nothing: each row's
  outcome (new / already declared / error) and every error with its line and column;
- `import_apply(upload, user=…, capacity=…, organization=…)` validates again and, when no
  row has an error, writes every new declaration in one transaction (otherwise it raises
  ImportRefused and writes nothing);
- `import_template(fmt)` is the template (header and two example rows).

The rules of a row are commitments.declaring's, as for a declaration made on the site.
The number of queries does not grow with the rows: the communes (territories.lookup), the
frameworks and the standing declarations (state.py) are read once; new rows are written in
bulk (writing.py). What every import shares (the reading within limits, the report, the
command's printing) is core.imports'.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import IO, TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from core import imports, spreadsheets
from core.imports import CREATE, ERROR, UNCHANGED, ImportFileError, ImportRefused
from territories.lookup import Communes

from ..models import CURRENT_MANDATE
from .columns import COLUMNS, MAX_BYTES, MAX_ROWS
from .report import ACTION_LABELS, ImportReport, RowOutcome
from .rows import Validator
from .state import current_frameworks
from .template import XLSX_CONTENT_TYPE, import_template
from .validation import validate
from .writing import write

if TYPE_CHECKING:
    from accounts.models import User
    from actors.models import Organization

__all__ = [
    "ACTION_LABELS",
    "COLUMNS",
    "CREATE",
    "ERROR",
    "MAX_BYTES",
    "UNCHANGED",
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


def _sheet(upload: IO[bytes]) -> spreadsheets.Sheet:
    return imports.read(upload, columns=COLUMNS, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)


def _validator(years: tuple[int, int]) -> Validator:
    return Validator(Communes(), current_frameworks(), years=years, today=timezone.localdate())


def import_check(upload: IO[bytes], *, years: tuple[int, int] = CURRENT_MANDATE) -> ImportReport:
    """Read and validate the file; write nothing. Raises ImportFileError for the whole file."""
    report, _rows = validate(_sheet(upload), _validator(years))
    return report


def import_apply(
    upload: IO[bytes],
    *,
    user: User | None,
    capacity: str,
    organization: Organization | None = None,
    years: tuple[int, int] = CURRENT_MANDATE,
    progress: Callable[[int, int], object] | None = None,
) -> ImportReport:
    """Validate again and write every new declaration in one transaction, or nothing
    (ImportRefused). `capacity` and `organization` say in whose name they are declared
    (a national partner, or the platform's team); `progress(done, total)` is called as
    chunks are written."""
    sheet, validator = _sheet(upload), _validator(years)  # no transaction needed to read them
    try:
        with transaction.atomic():
            report, rows = validate(sheet, validator)
            if not report.ok:
                raise ImportRefused(report)
            write(
                rows, user=user, capacity=capacity, organization=organization, years=years, progress=progress
            )
    except IntegrityError:
        logger.warning("Import of declarations collided with another declaration", exc_info=True)
        raise ImportFileError(
            gettext("A commitment of the file was declared meanwhile: nothing was imported, try again.")
        ) from None
    return report
