"""Import declared commitments (commitments made elsewhere) from the command line, through
the same functions as the web page (commitments.imports): the file is checked, then, with
no error, applied at once, everything or nothing."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actors.models import Organization
from commitments import imports
from commitments.models import Declaration
from core.imports import Progress, ReportPrinter, author, opened


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
        account = author(user) if user else None
        organization = _partner(partner) if partner else None
        capacity = Declaration.Capacity.PARTNER if organization else Declaration.Capacity.STAFF
        printer = ReportPrinter(self.stdout, self.style, _summary)
        with opened(file) as upload:
            try:
                report = imports.import_check(upload)
                if not report.ok:
                    printer.refuse_report(report)
                if dry_run:
                    printer.dry_run(report.counts)
                    return
                progress = Progress(disable=no_progress)
                try:
                    report = imports.import_apply(
                        upload, user=account, capacity=capacity, organization=organization, progress=progress
                    )
                finally:
                    progress.close()
            except imports.ImportRefused as refused:  # the database changed since the check
                printer.refuse_report(refused.report)
            except imports.ImportFileError as error:
                raise CommandError(str(error)) from None
        printer.done(report.counts)


def _partner(slug):
    partner = Organization.objects.filter(slug=slug, kind=Organization.Kind.PARTNER).first()
    if partner is None:
        raise CommandError(_("Unknown national partner “%(slug)s”.") % {"slug": slug})
    return partner


def _summary(counts):
    return _("%(create)s new, %(unchanged)s already declared, %(error)s with errors.") % counts
