"""Import signed commitments from the command line, through the services of the web
import: the file is checked (campaigns.services.import_job_check), then recorded as a job
and applied at once, here (import_job_queue without the task worker, import_job_run)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actors.models import Organization
from campaigns import services
from campaigns.imports import ImportFileError
from campaigns.models import Campaign, ImportJob
from core.imports import Progress, ReportPrinter, author, opened


class Command(BaseCommand):
    help = gettext_lazy(
        "Import signed commitments of a campaign from a CSV (UTF-8) or XLSX file: every row or "
        "nothing. With --dry-run, only check the file."
    )

    def add_arguments(self, parser):
        parser.add_argument("campaign", help=_("Address (slug) of the campaign."))
        parser.add_argument("file", help=_("The CSV or XLSX file."))
        parser.add_argument("--dry-run", action="store_true", help=_("Check the file and write nothing."))
        parser.add_argument("--user", help=_("Email address of the account recorded as the author."))
        parser.add_argument("--group", help=_("Slug of the local group given the communes taken on."))
        parser.add_argument("--no-progress", action="store_true", help=_("Do not show the progress bar."))

    def handle(
        self, *args, campaign, file, dry_run=False, user=None, group=None, no_progress=False, **options
    ):
        campaign = _campaign(campaign)
        account = author(user) if user else None
        group = _group(group) if group else None
        printer = ReportPrinter(self.stdout, self.style, _summary)
        report, job = _check(file, campaign=campaign, user=account, keep=not dry_run)
        if not report.ok:
            printer.refuse_report(report)
        if dry_run:
            printer.dry_run(report.counts)
            return
        job = _run(job, group=group, progress=Progress(disable=no_progress))
        if job.status != ImportJob.Status.DONE:
            if not job.errors:
                raise CommandError(job.message)
            for line, column, message in job.errors:
                printer.errors(line, [(column, message)])
            printer.refuse(job.counts)
        printer.done(job.counts)


def _campaign(slug):
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None:
        raise CommandError(_("Unknown campaign “%(slug)s”.") % {"slug": slug})
    return campaign


def _group(slug):
    group = Organization.objects.filter(slug=slug, kind=Organization.Kind.LOCAL_GROUP).first()
    if group is None:
        raise CommandError(_("Unknown local group “%(slug)s”.") % {"slug": slug})
    return group


def _check(path, **options):
    """(report, job) of services.import_job_check on the file at `path`."""
    with opened(path) as upload:
        try:
            return services.import_job_check(upload=upload, **options)
        except ImportFileError as error:
            raise CommandError(str(error)) from None


def _run(job, *, group, progress):
    """The checked job, applied here and now (not by the task worker)."""
    try:
        services.import_job_queue(job=job, enqueue=False)
        job = services.import_job_run(job.pk, group=group, progress=progress)
    except services.CampaignsError as error:
        raise CommandError(str(error)) from None
    finally:
        progress.close()
    if job is None:  # another process ran it meanwhile
        raise CommandError(_("This import was already applied or refused."))
    return job


def _summary(counts):
    return _("%(create)s new, %(update)s updated, %(unchanged)s unchanged, %(error)s with errors.") % counts
