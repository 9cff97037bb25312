"""Queue the weekly digests: one task per person with something to be told (run weekly by
cron: docs/operations.md). Each task builds one email in the person's language; running
the command again the same week sends nothing twice (notifications.delivery)."""

from django.core.management.base import BaseCommand

from notifications import delivery
from notifications.tasks import send_digest


class Command(BaseCommand):
    help = "Queue the weekly digest of every person who has notifications to receive."

    def handle(self, *args, **options):
        pruned = delivery.prune()
        queued = 0
        for page in delivery.pending_users():
            for user_id in page:
                send_digest.enqueue(user_id=user_id)
            queued += len(page)
        self.stdout.write(f"{queued} digest(s) queued, {pruned} old notification(s) forgotten.")
