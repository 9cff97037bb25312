"""Import declared commitments (commitments made elsewhere) from the command line, through
the same functions as the web page (commitments.imports): the file is checked, then, with
no error, applied at once, everything or nothing."""

import sys
from contextlib import contextmanager
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from tqdm import tqdm

from actors.models import Organization
from commitments import imports
from commitments.models import Declaration

PROGRESS_INTERVAL = 0.5  # seconds, at least, between two refreshes of the progress bar


class Command(BaseCommand):
    help = gettext_lazy(
        "Import commitments made elsewhere (declarations for the current mandate) from a CSV (UTF-8) "
        "or XLSX file: every row or nothing. With --dry-run, only check the file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("The CSV or XLSX file."))
        parser.add_argument("--dry-run", action="store_true", help=_("Check the file and write nothing."))
        parser.add_argument("--user", help=_("Email address of the account recorded as the author."))
        parser.add_argument(
            "--partner",
            help=_("Slug of the national partner they are declared for (else the platform team)."),
        )
        parser.add_argument("--no-progress", action="store_true", help=_("Do not show the progress bar."))

    def handle(self, *args, file, dry_run=False, user=None, partner=None, no_progress=False, **options):
        author = _author(user) if user else None
        organization = _partner(partner) if partner else None
        capacity = Declaration.Capacity.PARTNER if organization else Declaration.Capacity.STAFF
        with _opened(file) as upload:
            try:
                report = imports.import_check(upload)
                if not report.ok:
                    self.refuse(report)
                if dry_run:
                    self.stdout.write(_summary(report.counts) + " " + _("Dry run: nothing was written."))
                    return
                progress = _Progress(disable=no_progress)
                try:
                    report = imports.import_apply(
                        upload, user=author, capacity=capacity, organization=organization, progress=progress
                    )
                finally:
                    progress.close()
            except imports.ImportRefused as refused:  # the database changed since the check
                self.refuse(refused.report)
            except imports.ImportFileError as error:
                raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(_summary(report.counts)))

    def refuse(self, report):
        for row in report.errors:
            for column, message in row.errors:
                self.stdout.write(
                    _("Line %(line)s, %(column)s: %(message)s")
                    % {"line": row.line, "column": column, "message": message}
                )
            if row.suggestions:
                self.stdout.write(
                    "  " + _("Suggestions: %(suggestions)s") % {"suggestions": "; ".join(row.suggestions)}
                )
        counts = report.counts
        self.stdout.write(_summary(counts))
        raise CommandError(
            ngettext(
                "%(count)s line has errors: nothing was imported.",
                "%(count)s lines have errors: nothing was imported.",
                counts[imports.ERROR],
            )
            % {"count": counts[imports.ERROR]}
        )


class _Progress:
    """The progress bar (tqdm, on stderr), made when the number of rows is known."""

    def __init__(self, disable):
        self.disable = disable
        self.bar = None

    def __call__(self, done, total):
        if self.bar is None:
            self.bar = tqdm(
                total=total,
                file=sys.stderr,
                disable=self.disable,
                mininterval=PROGRESS_INTERVAL,
                unit=_("rows"),
            )
        self.bar.update(done - self.bar.n)

    def close(self):
        if self.bar is not None:
            self.bar.close()


@contextmanager
def _opened(path):
    """The file at `path` as an upload (a django File named as the file), closed after."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed below)
    except OSError as error:
        raise CommandError(
            _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}
        ) from None
    with handle:
        yield File(handle, name=Path(path).name)


def _author(email):
    user = get_user_model().objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandError(_("No account has the email address “%(email)s”.") % {"email": email})
    return user


def _partner(slug):
    partner = Organization.objects.filter(slug=slug, kind=Organization.Kind.PARTNER).first()
    if partner is None:
        raise CommandError(_("Unknown national partner “%(slug)s”.") % {"slug": slug})
    return partner


def _summary(counts):
    return _("%(create)s new, %(unchanged)s already declared, %(error)s with errors.") % counts
