import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from tqdm import tqdm

from actors.models import Organization
from campaigns.imports import ImportFileError, ImportRefused, import_apply, import_check
from campaigns.models import Campaign


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
        campaign_obj = Campaign.objects.filter(slug=campaign).first()
        if campaign_obj is None:
            raise CommandError(_("Unknown campaign “%(slug)s”.") % {"slug": campaign})
        user_obj = None
        if user:
            user_obj = get_user_model().objects.filter(email__iexact=user.strip()).first()
            if user_obj is None:
                raise CommandError(_("No account has the email address “%(email)s”.") % {"email": user})
        group_obj = None
        if group:
            group_obj = Organization.objects.filter(slug=group, kind=Organization.Kind.LOCAL_GROUP).first()
            if group_obj is None:
                raise CommandError(_("Unknown local group “%(slug)s”.") % {"slug": group})

        try:
            handle = open(file, "rb")  # noqa: SIM115 (closed below)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}
            ) from None
        bar = None

        def progress(done, total):
            nonlocal bar
            if bar is None:
                bar = tqdm(total=total, file=sys.stderr, disable=no_progress, mininterval=0.5, unit=_("rows"))
            bar.update(done - bar.n)

        try:
            if dry_run:
                report = import_check(handle, campaign=campaign_obj)
            else:
                report = import_apply(
                    handle, campaign=campaign_obj, user=user_obj, group=group_obj, progress=progress
                )
        except ImportRefused as refused:
            report = refused.report
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        finally:
            handle.close()
            if bar is not None:
                bar.close()

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
        summary = (
            _("%(create)s new, %(update)s updated, %(unchanged)s unchanged, %(error)s with errors.") % counts
        )
        if not report.ok:
            self.stdout.write(summary)
            raise CommandError(
                ngettext(
                    "%(count)s line has errors: nothing was imported.",
                    "%(count)s lines have errors: nothing was imported.",
                    counts["error"],
                )
                % {"count": counts["error"]}
            )
        if dry_run:
            self.stdout.write(summary + " " + _("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS(summary))
