"""Spreadsheet imports as jobs: checked (dry run), queued, then run by the task worker,
or at once by the command line (`manage.py import_commitments`)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ImportJob
from .common import CampaignsError

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.core.files import File

    from accounts.models import User
    from actors.models import Organization

    from ..imports import ImportReport
    from ..models import Campaign

logger = logging.getLogger(__name__)

KEPT_ERRORS = 200  # errors of a refused file kept on its job (ImportJob.errors)
FILENAME_LENGTH = ImportJob._meta.get_field("filename").max_length


def import_job_check(
    *, campaign: Campaign, user: User | None, upload: File, keep: bool = True
) -> tuple[ImportReport, ImportJob | None]:
    """Dry run of a spreadsheet. When it has no error, the file is kept as a job that
    `import_job_queue` hands to the task worker; with `keep=False` (a dry run of the
    command line) nothing is kept. Raises imports.ImportFileError."""
    from .. import imports

    report = imports.import_check(upload, campaign=campaign)
    if not report.ok or not keep:
        return report, None
    with transaction.atomic():
        if user is not None:
            # This user's earlier checked files for the campaign were never applied: forget them.
            for old in ImportJob.objects.filter(
                campaign=campaign, created_by=user, status=ImportJob.Status.CHECKED
            ):
                old.file.delete(save=False)
                old.delete()
        upload.seek(0)
        job = ImportJob(
            campaign=campaign,
            created_by=user,
            filename=upload.name[-FILENAME_LENGTH:],
            row_count=len(report.rows),
            counts=dict(report.counts),
        )
        job.file.save(upload.name, upload, save=False)
        job.save()
    return report, job


@transaction.atomic
def import_job_queue(*, job: ImportJob, enqueue: bool = True) -> ImportJob:
    """Queue a checked job for the task worker; with `enqueue=False` the caller runs it
    itself with `import_job_run` (the command line)."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.CHECKED:
        raise CampaignsError(_("This import was already applied or refused."))
    job.status = ImportJob.Status.QUEUED
    job.save(update_fields=["status"])
    if enqueue:
        from ..tasks import apply_import

        transaction.on_commit(lambda: apply_import.enqueue(job_id=job.pk))
    return job


def import_job_run(
    job_id: int,
    *,
    group: Organization | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> ImportJob | None:
    """Apply a queued import (run by the task worker, or by the command line with the
    local group given the communes taken on and a progress callback): everything or
    nothing. The job ends done or failed; its file is deleted."""
    job = _job_start(job_id)
    if job is None:
        return None
    _job_apply(job, group=group, progress=progress)
    job.file.delete(save=False)
    job.finished_at = timezone.now()
    job.save()
    return job


def _job_start(job_id: int) -> ImportJob | None:
    """The queued job, now running; None when it has run already. A job found running was
    left so by a worker that was killed (the task queue runs a task once, and again only
    once its worker is gone: core.tasks.tasks_recover): its transaction was rolled back,
    nothing was written, and it is applied again."""
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(of=("self",))
            .select_related("campaign", "created_by")
            .filter(pk=job_id, status__in=(ImportJob.Status.QUEUED, ImportJob.Status.RUNNING))
            .first()
        )
        if job is None:
            return None
        job.status = ImportJob.Status.RUNNING
        job.save(update_fields=["status"])
    return job


def _job_apply(
    job: ImportJob, *, group: Organization | None, progress: Callable[[int, int], object] | None
) -> None:
    """Apply the job's file and record the outcome on the job (not saved)."""
    from django.core.files import File

    from .. import imports

    try:
        with job.file.storage.open(job.file.name, "rb") as handle:
            report = imports.import_apply(
                File(handle, name=job.filename),
                campaign=job.campaign,
                user=job.created_by,
                group=group,
                progress=progress,
            )
    except imports.ImportRefused as refused:
        job.status = ImportJob.Status.FAILED
        job.message = str(refused)
        job.counts = dict(refused.report.counts)
        job.errors = [
            [row.line, column, message] for row in refused.report.errors for column, message in row.errors
        ][:KEPT_ERRORS]
    except (imports.ImportFileError, OSError) as error:
        job.status = ImportJob.Status.FAILED
        job.message = str(error)
    except Exception:
        # Nothing was written (one transaction); say so rather than leave the job running.
        logger.exception("Import job %s failed", job.pk)
        job.status = ImportJob.Status.FAILED
        job.message = _(
            "The import failed unexpectedly: nothing was written. Try again, or tell the platform team."
        )
    else:
        job.status = ImportJob.Status.DONE
        job.counts = dict(report.counts)


def import_job_interrupted(job_id: int, *, interrupted: bool) -> bool:
    """Say on a job left pending that its task failed: the worker was killed too many
    times while applying it (`interrupted`), or the task raised outside the import's own
    error handling. True if the job was still pending."""
    if interrupted:
        message = _(
            "The import was interrupted several times (the task worker stopped while applying "
            "it): nothing was written. Try again, or tell the platform team."
        )
    else:
        message = _(
            "The import stopped unexpectedly. Check the campaign's page before trying again, "
            "or tell the platform team."
        )
    pending = ImportJob.objects.filter(
        pk=job_id, status__in=(ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
    )
    return bool(pending.update(status=ImportJob.Status.FAILED, message=message, finished_at=timezone.now()))
