"""Email the barometer's reminders due today (run daily, by cron): when a barometer opens,
and a week before it closes, to those who may answer for a commune and have not rated all
its committed items yet. Each email is recorded: running it twice the same day sends
nothing more (followup.barometer.reminders)."""

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from followup.barometer.reminders import reminders_send


class Command(BaseCommand):
    help = "Email the yearly barometer's reminders due today (opening, one week before closing)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="act as if today were this day (YYYY-MM-DD)")
        parser.add_argument("--site-url", default="", help="scheme and host of the links (default: SITE_URL)")
        parser.add_argument(
            "--dry-run", action="store_true", help="count the emails, send and record nothing"
        )

    def handle(self, *args, **options):
        site_url = options["site_url"] or settings.SITE_URL
        if not site_url:
            raise CommandError("Set SITE_URL (or --site-url): the emails link to the rating forms.")
        try:
            today = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError("--date is a day written YYYY-MM-DD.") from None
        report = reminders_send(today=today, site_url=site_url, dry_run=options["dry_run"])
        if not report:
            self.stdout.write(f"{today}: no barometer opens today or closes in a week.")
        for barometer, kind, count in report:
            verb = "would send" if options["dry_run"] else "sent"
            self.stdout.write(
                f"{today}: {barometer.framework_slug} {barometer.year}, {kind}: {verb} {count} email(s)."
            )
