"""An import's task worker killed while applying (bench/worker_killed.py at scale): nothing
of the file was written (one transaction), the job stays "being applied", and the next
worker to start applies it again (core.tasks.tasks_recover); a job whose worker died too
many times ends failed, and its page says so."""

import signal
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from campaigns import services
from campaigns.models import ImportJob
from commitments.models import Commitment
from core import tasks
from tests.support import browser, make_partner_coordinator

from .helpers import csv_upload, line, make_campaign

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def run_worker():
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


@pytest.fixture
def coordinator():
    return make_partner_coordinator("coordination@example.org")


@pytest.fixture
def killed_job(coordinator, django_capture_on_commit_callbacks):
    """A queued import whose worker was killed while applying it: the job and its task
    are left running; the transaction was rolled back, so nothing was written."""

    def make(attempts=1):
        campaign = make_campaign(coordinator, organizers=("egm",))
        rows = [line(), line(code_insee="01001", commune="", departement="")]
        _report, job = services.import_job_check(campaign=campaign, user=coordinator, upload=csv_upload(rows))
        with django_capture_on_commit_callbacks(execute=True):
            services.import_job_queue(job=job)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
        dead = ":".join([tasks.worker_id().rsplit(":", 2)[0], "999999999", "killed"])
        DBTaskResult.objects.filter(task_path="campaigns.tasks.apply_import").update(
            status="RUNNING", worker_ids=[dead] * attempts, started_at=job.created_at
        )
        return job

    return make


@override_settings(TASKS=DB_TASKS)
def test_the_next_worker_applies_the_import_a_killed_worker_left(killed_job, coordinator):
    job = killed_job()
    page = browser(coordinator).get(job.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' in page  # "being applied", and the page follows it

    run_worker()

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.counts["create"] == 2
    assert Commitment.objects.filter(channel=Commitment.Channel.IMPORT).count() == 2
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@override_settings(TASKS=DB_TASKS)
def test_an_import_whose_worker_died_too_often_fails_and_its_page_says_so(killed_job, coordinator):
    job = killed_job(attempts=tasks.MAX_TASK_ATTEMPTS)

    run_worker()

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.finished_at is not None
    assert not Commitment.objects.exists()
    page = browser(coordinator).get(job.get_absolute_url()).content.decode()
    assert "L’import a été interrompu plusieurs fois" in page
    assert "rien n’a été écrit" in page
    assert 'http-equiv="refresh"' not in page


@override_settings(TASKS=DB_TASKS)
def test_a_task_that_raises_leaves_no_job_pending(killed_job):
    job = killed_job()
    with mock.patch("campaigns.services.imports._job_start", side_effect=RuntimeError("database gone")):
        run_worker()

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.message.startswith("L’import s’est arrêté de façon inattendue")
