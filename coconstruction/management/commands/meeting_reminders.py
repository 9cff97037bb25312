"""Email the reminders of tomorrow's meetings (run hourly, by cron): the scheduled meetings
starting in 12 to 36 hours whose reminder has not gone yet. Each meeting is claimed by one
UPDATE … WHERE reminder_sent_at IS NULL before its emails are queued: two runs, even at
the same time, never remind twice (coconstruction.notices).

It also refreshes the cached commune pages (core/pagecache.py) of the committees whose
meeting started in the last STARTED_WITHIN: the page's committee panel shows the next
meeting, and nothing else would move it on once the meeting has begun (the anonymous page
stays cached up to a day). Two hours cover a run that came late or was skipped once; a
bump only makes the next visitor's page render afresh."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from coconstruction import cached_pages, notices
from coconstruction.models import Meeting
from coconstruction.tasks import meeting_notices
from core import pagecache

STARTED_WITHIN = timedelta(hours=2)


def started_scopes(now):
    """The page-cache scopes of the commune pages showing a meeting that started in the
    last STARTED_WITHIN (of a committee, or of one of its working groups)."""
    started = (
        Meeting.objects.filter(starts_at__gt=now - STARTED_WITHIN, starts_at__lte=now)
        .filter(Q(committee__isnull=False) | Q(working_group__committee__isnull=False))
        .select_related("committee__commune", "working_group__committee__commune")
    )
    return sorted({scope for meeting in started for scope in cached_pages.meeting_scopes(meeting)})


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
        self.refresh_pages(now, dry_run=options["dry_run"])
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

    def refresh_pages(self, now, *, dry_run):
        """Bump the commune pages whose next meeting has just begun (see the module's doc)."""
        scopes = started_scopes(now)
        if not scopes:
            return
        if not dry_run:
            pagecache.bump(*scopes)
        verb = "would refresh" if dry_run else "refreshed"
        self.stdout.write(f"Cached pages {verb}: {', '.join(scopes)}.")
