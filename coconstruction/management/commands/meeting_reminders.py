"""Email the reminders of tomorrow's meetings (run hourly, by cron): the scheduled meetings
starting in 12 to 36 hours whose reminder has not gone yet. Each meeting is claimed by one
UPDATE … WHERE reminder_sent_at IS NULL before its emails are queued: two runs, even at
the same time, never remind twice (coconstruction.notices)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from coconstruction import notices
from coconstruction.tasks import meeting_notices


class Command(BaseCommand):
    help = "Email the reminders of the meetings starting in 12 to 36 hours (run hourly)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list the meetings, claim and send nothing"
        )

    def handle(self, *args, **options):
        if not settings.SITE_URL:
            self.stderr.write("SITE_URL is not set: the emails' links point to http://localhost:8000.")
        now = timezone.now()
        due = list(notices.reminders_due(now).only("pk", "title", "starts_at"))
        if not due:
            self.stdout.write("No meeting to remind of.")
            return
        reminded = 0
        for number, meeting in enumerate(due, start=1):
            progress = f"[{number}/{len(due)}] {meeting.title} ({timezone.localtime(meeting.starts_at):%Y-%m-%d %H:%M})"
            if options["dry_run"]:
                self.stdout.write(f"{progress}: would remind.")
                continue
            if not notices.claim_reminder(meeting, now):
                self.stdout.write(f"{progress}: reminded by another run, skipped.")
                continue
            meeting_notices.enqueue(meeting_id=meeting.pk, change="reminder")
            reminded += 1
            self.stdout.write(f"{progress}: reminder queued.")
        verb = "would remind of" if options["dry_run"] else "reminded of"
        self.stdout.write(f"Done: {verb} {len(due) if options['dry_run'] else reminded} meeting(s).")
