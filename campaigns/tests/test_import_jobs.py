"""The spreadsheet import through the web: a dry run keeps the file as a job, the task
worker applies it (everything or nothing), and the job's page tells what happened. The
command line goes through the same services and records its job too."""

import io
import re
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from campaigns import services
from campaigns.models import CandidateList, ImportJob, Target
from commitments.models import Commitment
from territories.models import Commune
from tests.support import browser, make_group, make_partner_coordinator

from .helpers import csv_upload, line, make_campaign, snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root", "immediate_tasks")]


@pytest.fixture
def coordinator():
    """A coordinator of the EGM, who organise the campaign."""
    return make_partner_coordinator("coordination@example.org")


@pytest.fixture
def campaign(coordinator):
    return make_campaign(coordinator, organizers=("egm",))


def check(client, campaign, upload):
    return client.post(campaign.get_absolute_url() + "import/", {"file": upload})


def apply(client, campaign, job, capture):
    with capture(execute=True):
        return client.post(campaign.get_absolute_url() + "import/", {"action": "apply", "job": job.pk})


def test_check_then_apply_through_the_task(campaign, coordinator, django_capture_on_commit_callbacks):
    client = browser(coordinator)
    response = check(
        client, campaign, csv_upload([line(), line(code_insee="01001", commune="", departement="")])
    )
    assert response.status_code == 200
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.CHECKED and job.row_count == 2
    path = job.file.name
    assert path.startswith("imports/") and default_storage.exists(path)
    assert not Target.objects.filter(campaign=campaign).exists()  # a dry run writes nothing

    response = apply(client, campaign, job, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.counts["create"] == 2 and job.finished_at is not None
    assert not default_storage.exists(path) and not job.file  # the file goes once applied
    assert (
        Commitment.objects.filter(target__campaign=campaign, channel=Commitment.Channel.IMPORT).count() == 2
    )

    page = client.get(job.get_absolute_url()).content.decode()
    assert re.search(r"2 (?:lignes? créées?|rows created)", page)
    assert 'http-equiv="refresh"' not in page
    # Applying twice is refused and changes nothing.
    before = snapshot()
    apply(client, campaign, job, django_capture_on_commit_callbacks)
    assert snapshot() == before


def test_a_file_refused_when_applied_writes_nothing(
    campaign, coordinator, django_capture_on_commit_callbacks
):
    """Between the check and the task, another list of the commune was recorded as elected:
    the task refuses the whole file and the job lists the row's error."""
    client = browser(coordinator)
    check(
        client, campaign, csv_upload([line(elue="oui"), line(code_insee="01001", commune="", departement="")])
    )
    job = ImportJob.objects.get()
    target = services.target_take_on(
        campaign=campaign, commune=Commune.objects.get(code="93066"), group=None, user=coordinator
    )
    other = services.list_add(target=target, name="Autre liste", head_name="Louise Michel")
    services.mark_elected(target=target, candidate_list=other)
    before = snapshot()
    apply(client, campaign, job, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.errors and job.errors[0][0] == 2  # the first data row
    assert snapshot() == before
    assert not CandidateList.objects.filter(target__commune__code="01001").exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Autre liste" in page


def test_a_new_check_forgets_the_previous_unapplied_file(campaign, coordinator):
    client = browser(coordinator)
    check(client, campaign, csv_upload([line()]))
    first = ImportJob.objects.get()
    check(client, campaign, csv_upload([line(code_insee="01001", commune="", departement="")]))
    assert not ImportJob.objects.filter(pk=first.pk).exists()
    assert not default_storage.exists(first.file.name)
    assert ImportJob.objects.count() == 1


def test_a_file_with_errors_keeps_no_job(campaign, coordinator):
    response = check(browser(coordinator), campaign, csv_upload([line(code_insee="99999", commune="")]))
    assert response.status_code == 200
    assert not ImportJob.objects.exists()
    assert "Appliquer" not in response.content.decode()


def test_only_the_author_applies_a_checked_file(campaign, coordinator, django_capture_on_commit_callbacks):
    check(browser(coordinator), campaign, csv_upload([line()]))
    job = ImportJob.objects.get()
    colleague = make_partner_coordinator("collegue@example.org")
    response = apply(browser(colleague), campaign, job, django_capture_on_commit_callbacks)
    assert response.status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED


def test_a_pending_job_page_refreshes_itself(campaign, coordinator):
    check(browser(coordinator), campaign, csv_upload([line()]))
    job = ImportJob.objects.get()
    job.status = ImportJob.Status.QUEUED
    job.save()
    page = browser(coordinator).get(job.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' in page


def test_an_unexpected_failure_fails_the_job(
    campaign, coordinator, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    from campaigns import imports

    check(browser(coordinator), campaign, csv_upload([line()]))
    job = ImportJob.objects.get()

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(imports, "import_apply", broken)
    before = snapshot()
    apply(browser(coordinator), campaign, job, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.message
    assert snapshot() == before
    assert "disk on fire" in caplog.text


# The command line ---------------------------------------------------------------------


def command(campaign, path, *options):
    out = io.StringIO()
    call_command("import_commitments", campaign.slug, str(path), *options, stdout=out)
    return out.getvalue()


def test_the_command_records_its_job(campaign, coordinator, tmp_path, capsys):
    group = make_group(coordinator=coordinator)
    path = tmp_path / "engagements.csv"
    path.write_bytes(csv_upload([line(), line(code_insee="01001", commune="", departement="")]).read())
    out = command(campaign, path, "--user", coordinator.email.upper(), "--group", group.slug)
    assert "2" in out
    assert "2/2" in capsys.readouterr().err  # the progress bar
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE and job.created_by == coordinator
    assert job.filename == "engagements.csv" and job.row_count == 2 and job.finished_at is not None
    assert job.counts == {"create": 2, "update": 0, "unchanged": 0, "error": 0}
    assert not job.file  # the stored copy goes once applied, as through the web
    assert set(Target.objects.filter(campaign=campaign).values_list("group", flat=True)) == {group.pk}
    assert Commitment.objects.filter(target__campaign=campaign, created_by=coordinator).count() == 2

    command(campaign, path, "--no-progress")  # again, without an author: all unchanged
    again = ImportJob.objects.exclude(pk=job.pk).get()
    assert again.status == ImportJob.Status.DONE and again.created_by is None
    assert again.counts["unchanged"] == 2


def test_a_file_refused_by_the_command_records_a_failed_job(campaign, coordinator, tmp_path, monkeypatch):
    """Between the command's check and its run, another list of the commune was recorded as
    elected: the job fails with the row's error and nothing is written."""
    path = tmp_path / "engagements.csv"
    path.write_bytes(
        csv_upload([line(elue="oui"), line(code_insee="01001", commune="", departement="")]).read()
    )
    queue = services.import_job_queue

    def queue_meanwhile(**kwargs):
        target = services.target_take_on(
            campaign=campaign, commune=Commune.objects.get(code="93066"), group=None, user=coordinator
        )
        other = services.list_add(target=target, name="Autre liste", head_name="Louise Michel")
        services.mark_elected(target=target, candidate_list=other)
        nonlocal before
        before = snapshot()
        return queue(**kwargs)

    before = None
    monkeypatch.setattr(services, "import_job_queue", queue_meanwhile)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1"):
        call_command(
            "import_commitments",
            campaign.slug,
            str(path),
            "--user",
            coordinator.email,
            "--no-progress",
            stdout=out,
        )
    assert "Autre liste" in out.getvalue()
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and job.created_by == coordinator
    assert job.errors[0][:2] == [2, "elue"] and job.counts["error"] == 1
    assert not job.file
    assert snapshot() == before
    assert not CandidateList.objects.filter(target__commune__code="01001").exists()


def test_an_unexpected_failure_of_the_command_fails_its_job(campaign, tmp_path, monkeypatch, caplog):
    from campaigns import imports

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(imports, "import_apply", broken)
    path = tmp_path / "engagements.csv"
    path.write_bytes(csv_upload([line()]).read())
    before = snapshot()
    with pytest.raises(CommandError) as error:
        command(campaign, path, "--no-progress")
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and str(error.value) == job.message
    assert snapshot() == before
    assert "disk on fire" in caplog.text


def test_a_stale_import_stops_refreshing(campaign, coordinator, media_root):
    from campaigns.models import ImportJob

    _report, job = services.import_job_check(campaign=campaign, user=coordinator, upload=csv_upload([line()]))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.QUEUED, created_at=timezone.now() - timedelta(hours=2)
    )
    page = browser(coordinator).get(job.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' not in page
