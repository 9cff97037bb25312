"""What every spreadsheet import says, and how its command prints it.

The imports of campaigns (signed bulletins) and commitments (declared commitments) read a
file with `read` (core.spreadsheets within their limits), validate each row their own way
into a RowOutcome (its line, commune, action, errors by column, suggestions), and return
an ImportReport of them; a file refused as a whole is an ImportFileError, a file with row
errors that import_apply refuses is an ImportRefused. Each import subclasses RowOutcome for
the columns it shows, and names its actions and their labels (`actions`, `labels`).

Their management commands print a report with ReportPrinter, show a Progress bar while
the rows are written, open the file with `opened` and find the author with `author`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, ClassVar, NoReturn

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import CommandError, OutputWrapper
from django.core.management.color import Style
from django.utils.translation import gettext, gettext_lazy, ngettext

from . import spreadsheets

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
ACTIONS = (CREATE, UPDATE, UNCHANGED, ERROR)
ACTION_LABELS = {
    CREATE: gettext_lazy("new"),
    UPDATE: gettext_lazy("update"),
    UNCHANGED: gettext_lazy("unchanged"),
    ERROR: gettext_lazy("error"),
}
PROGRESS_INTERVAL = 0.5  # seconds, at least, between two refreshes of the progress bar

Counts = Mapping[str, int]


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


def read(upload: IO[bytes], **limits) -> spreadsheets.Sheet:
    """core.spreadsheets.read (same arguments: columns, max_bytes, max_rows, key), its
    refusals raised as ImportFileError."""
    try:
        return spreadsheets.read(upload, **limits)
    except spreadsheets.SpreadsheetError as error:
        raise ImportFileError(str(error)) from None


@dataclass
class RowOutcome:
    """A row's outcome: its line in the file, the commune it names (as people read it),
    what the import does with it (one of ACTIONS), its errors as (column, message) and
    the communes suggested for one it does not find ("Saint-Denis (93) — 93066").

    An import subclasses it for the other things it shows of a row, and may give its
    actions other `labels`."""

    labels: ClassVar[Mapping[str, object]] = ACTION_LABELS

    line: int
    commune: str = ""
    action: str = CREATE
    errors: list[tuple[str, str]] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return str(self.labels[self.action])

    def error(self, column: str, message: object) -> None:
        """Record an error in `column`: the row is an error, whatever it was."""
        self.errors.append((column, str(message)))
        self.action = ERROR


@dataclass
class ImportReport:
    """The outcomes of a file's rows; `counts` has a key for each of the import's `actions`."""

    actions: ClassVar[Sequence[str]] = ACTIONS

    rows: list[RowOutcome] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(self.actions, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def errors(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return not any(row.errors for row in self.rows)


# The command line


class ReportPrinter:
    """What an import command prints: each error with its line and column (and the
    suggestions), then `summary(counts)`, the import's own sentence of the counts."""

    def __init__(self, stdout: OutputWrapper, style: Style, summary: Callable[[Counts], str]) -> None:
        self.stdout, self.style, self.summary = stdout, style, summary

    def errors(self, line: int, errors: Iterable[tuple[str, str]], suggestions: Sequence[str] = ()) -> None:
        for column, message in errors:
            self.stdout.write(
                gettext("Line %(line)s, %(column)s: %(message)s")
                % {"line": line, "column": column, "message": message}
            )
        if suggestions:
            self.stdout.write(
                "  " + gettext("Suggestions: %(suggestions)s") % {"suggestions": "; ".join(suggestions)}
            )

    def report_errors(self, report: ImportReport) -> None:
        for row in report.errors:
            self.errors(row.line, row.errors, row.suggestions)

    def refuse(self, counts: Counts) -> NoReturn:
        """Print the counts and stop the command: nothing was imported."""
        self.stdout.write(self.summary(counts))
        raise CommandError(
            ngettext(
                "%(count)s line has errors: nothing was imported.",
                "%(count)s lines have errors: nothing was imported.",
                counts[ERROR],
            )
            % {"count": counts[ERROR]}
        )

    def refuse_report(self, report: ImportReport) -> NoReturn:
        """Print the report's errors, then refuse."""
        self.report_errors(report)
        self.refuse(report.counts)

    def dry_run(self, counts: Counts) -> None:
        self.stdout.write(self.summary(counts) + " " + gettext("Dry run: nothing was written."))

    def done(self, counts: Counts) -> None:
        self.stdout.write(self.style.SUCCESS(self.summary(counts)))


class Progress:
    """The progress bar (tqdm, on stderr), made when the number of rows is known: the
    `progress(done, total)` an import calls as it writes. Close it after."""

    def __init__(self, disable: bool) -> None:
        self.disable = disable
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            from tqdm import tqdm  # only a command draws a bar: the site and the worker need not load it

            self.bar = tqdm(
                total=total,
                file=sys.stderr,
                disable=self.disable,
                mininterval=PROGRESS_INTERVAL,
                unit=gettext("rows"),
            )
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@contextmanager
def opened(path: str) -> Iterator[File]:
    """The file at `path` as an upload (a django File named as the file), closed after;
    a file that cannot be read stops the command."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed below)
    except OSError as error:
        raise CommandError(
            gettext("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}
        ) from None
    with handle:
        yield File(handle, name=Path(path).name)


def author(email: str):
    """The account of this email address (any case), recorded as an import's author; an
    unknown one stops the command."""
    user = get_user_model().objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandError(gettext("No account has the email address “%(email)s”.") % {"email": email})
    return user
