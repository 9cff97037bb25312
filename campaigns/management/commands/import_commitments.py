"""Import signed commitments from the command line, through the services of the web
import: the file is checked (campaigns.services.import_job_check), then recorded as a job
and applied at once, here (import_job_queue without the task worker, import_job_run)."""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from tqdm import tqdm

from actors.models import Organization
from campaigns import services
from campaigns.imports import ImportFileError
from campaigns.models import Campaign, ImportJob

PROGRESS_INTERVAL = 0.5  # seconds, at least, between two refreshes of the progress bar


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
        author = _author(user) if user else None
        group = _group(group) if group else None
        report, job = _check(file, campaign=campaign, user=author, keep=not dry_run)
        if not report.ok:
            for row in report.errors:
                self.write_errors(row.line, row.errors, row.suggestions)
            self.refuse(report.counts)
        if dry_run:
            self.stdout.write(_summary(report.counts) + " " + _("Dry run: nothing was written."))
            return
        job = _run(job, group=group, progress=_Progress(disable=no_progress))
        if job.status != ImportJob.Status.DONE:
            if not job.errors:
                raise CommandError(job.message)
            for line, column, message in job.errors:
                self.write_errors(line, [(column, message)])
            self.refuse(job.counts)
        self.stdout.write(self.style.SUCCESS(_summary(job.counts)))

    def write_errors(self, line, errors, suggestions=()):
        for column, message in errors:
            self.stdout.write(
                _("Line %(line)s, %(column)s: %(message)s")
                % {"line": line, "column": column, "message": message}
            )
        if suggestions:
            self.stdout.write(
                "  " + _("Suggestions: %(suggestions)s") % {"suggestions": "; ".join(suggestions)}
            )

    def refuse(self, counts):
        self.stdout.write(_summary(counts))
        raise CommandError(
            ngettext(
                "%(count)s line has errors: nothing was imported.",
                "%(count)s lines have errors: nothing was imported.",
                counts["error"],
            )
            % {"count": counts["error"]}
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


def _campaign(slug):
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None:
        raise CommandError(_("Unknown campaign “%(slug)s”.") % {"slug": slug})
    return campaign


def _author(email):
    user = get_user_model().objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandError(_("No account has the email address “%(email)s”.") % {"email": email})
    return user


def _group(slug):
    group = Organization.objects.filter(slug=slug, kind=Organization.Kind.LOCAL_GROUP).first()
    if group is None:
        raise CommandError(_("Unknown local group “%(slug)s”.") % {"slug": slug})
    return group


def _check(path, **options):
    """(report, job) of services.import_job_check on the file at `path`."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed below)
    except OSError as error:
        raise CommandError(
            _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}
        ) from None
    try:
        return services.import_job_check(upload=File(handle, name=Path(path).name), **options)
    except ImportFileError as error:
        raise CommandError(str(error)) from None
    finally:
        handle.close()


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
