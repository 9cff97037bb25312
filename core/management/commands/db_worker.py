"""`manage.py db_worker`: django_tasks_db's worker (this app comes first in INSTALLED_APPS,
so this command replaces it), with a worker id that names its host and process, and a
first step: the tasks that a killed worker left running are queued again, or failed once
tried too many times (core.tasks.tasks_recover)."""

from django_tasks_db.management.commands import db_worker

from core.tasks import tasks_recover, worker_id


class Command(db_worker.Command):
    help = "Run a database background worker, after giving back the tasks that a killed worker left running."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=worker_id())

    def handle(self, *args, **options):
        requeued, failed = tasks_recover(backend_name=options["backend_name"])
        if requeued or failed:
            self.stderr.write(
                f"Tasks left running by a stopped worker: {requeued} queued again, {failed} failed."
            )
        return super().handle(*args, **options)
