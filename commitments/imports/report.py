"""What an import of declarations says: core.imports' report (the refusal of a whole file,
each row's outcome), with its own actions (a declaration is new or already declared, never
updated) and each row also showing its framework and who committed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.utils.translation import gettext_lazy

from core import imports
from core.imports import CREATE, ERROR, UNCHANGED

ACTIONS = (CREATE, UNCHANGED, ERROR)
ACTION_LABELS = {
    CREATE: imports.ACTION_LABELS[CREATE],
    UNCHANGED: gettext_lazy("already declared"),
    ERROR: imports.ACTION_LABELS[ERROR],
}


@dataclass
class RowOutcome(imports.RowOutcome):
    """core.imports.RowOutcome, with the framework's short title and the list that committed."""

    labels: ClassVar[dict[str, object]] = ACTION_LABELS

    framework: str = ""
    committer: str = ""


class ImportReport(imports.ImportReport):
    """core.imports.ImportReport, counting this import's ACTIONS."""

    actions = ACTIONS
