"""What an import of declarations says: the refusal of a whole file, and each row's outcome."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy, ngettext

CREATE, UNCHANGED, ERROR = "create", "unchanged", "error"
ACTIONS = (CREATE, UNCHANGED, ERROR)
ACTION_LABELS = {
    CREATE: gettext_lazy("new"),
    UNCHANGED: gettext_lazy("already declared"),
    ERROR: gettext_lazy("error"),
}


class ImportFileError(Exception):
    """The whole file is refused (format, encoding, columns, size); str() is for people."""


class ImportRefused(Exception):
    """import_apply found errors in rows: nothing was written. `report` says which."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        count = len(report.errors)
        super().__init__(
            ngettext(
                "The file has errors on %(count)s line: nothing was imported.",
                "The file has errors on %(count)s lines: nothing was imported.",
                count,
            )
            % {"count": count}
        )


@dataclass
class RowOutcome:
    line: int
    commune: str = ""
    framework: str = ""
    committer: str = ""
    action: str = CREATE
    errors: list[tuple[str, str]] = field(default_factory=list)  # [(column header, message)]
    suggestions: list[str] = field(default_factory=list)  # ["Saint-Denis (93) — 93066", …]

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])

    def error(self, column: str, message: str) -> None:
        self.errors.append((column, str(message)))
        self.action = ERROR


@dataclass
class ImportReport:
    rows: list[RowOutcome] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTIONS, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def errors(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return not self.errors
