"""What an import says: the refusal of a whole file, and the outcome of each row."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy, ngettext

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
ACTIONS = (CREATE, UPDATE, UNCHANGED, ERROR)
ACTION_LABELS = {
    CREATE: gettext_lazy("new"),
    UPDATE: gettext_lazy("update"),
    UNCHANGED: gettext_lazy("unchanged"),
    ERROR: gettext_lazy("error"),
}


class ImportFileError(Exception):
    """The whole file is refused (format, encoding, columns, size); str() is for people."""


class ImportRefused(Exception):
    """import_apply found errors in rows: nothing was written. `report` says which."""

    def __init__(self, report):
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
    list_name: str = ""
    action: str = CREATE
    errors: list = field(default_factory=list)  # [(column header, message)]
    suggestions: list = field(default_factory=list)  # ["Saint-Denis (93) — 93066", …]

    @property
    def action_label(self):
        return str(ACTION_LABELS[self.action])

    def error(self, column, message):
        self.errors.append((column, str(message)))
        self.action = ERROR


@dataclass
class ImportReport:
    rows: list = field(default_factory=list)

    @property
    def counts(self):
        counts = dict.fromkeys(ACTIONS, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def errors(self):
        return [row for row in self.rows if row.errors]

    @property
    def ok(self):
        return not any(row.errors for row in self.rows)
