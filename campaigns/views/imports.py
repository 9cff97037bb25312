"""The spreadsheet import of a campaign: upload and dry run, then the job that applies it;
the template to fill in."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.actions import perform
from core.permissions import require, require_visible

from .. import imports, services
from ..forms import ImportForm
from ..models import ImportJob
from .common import campaign_or_404


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request, slug):
    campaign = campaign_or_404(slug)
    require(request, "campaigns.import_commitments", campaign)
    form = ImportForm()
    report = job = None
    if request.method == "POST" and request.POST.get("action") == "apply":
        job_id = request.POST.get("job", "")
        job = get_object_or_404(
            ImportJob, pk=int(job_id) if job_id.isdigit() else 0, campaign=campaign, created_by=request.user
        )
        perform(request, lambda: services.import_job_queue(job=job), errors=services.CampaignsError)
        return redirect(job)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > imports.MAX_BYTES:
                form.add_error("file", _("This file is too large: 10 MB at most."))
            else:
                outcome = perform(
                    request,
                    lambda: services.import_job_check(campaign=campaign, user=request.user, upload=upload),
                    errors=imports.ImportFileError,
                    form=form,
                    field="file",
                )
                if outcome:
                    report, job = outcome.result
    return render(
        request,
        "campaigns/import.html",
        {
            "campaign": campaign,
            "form": form,
            "report": report,
            "job": job,
            "columns": imports.COLUMNS,
            "jobs": campaign.import_jobs.select_related("created_by").exclude(
                status=ImportJob.Status.CHECKED
            )[:10],
        },
    )


@login_required
@require_GET
def import_job(request, slug, job_id):
    campaign = campaign_or_404(slug)
    job = get_object_or_404(ImportJob.objects.select_related("created_by"), pk=job_id, campaign=campaign)
    require_visible(request, "campaigns.import_commitments", campaign)  # a job is its importers' only
    return render(request, "campaigns/import_job.html", {"campaign": campaign, "job": job})


@login_required
@require_GET
def import_template(request, slug, fmt):
    campaign = campaign_or_404(slug)
    require(request, "campaigns.import_commitments", campaign)
    content, content_type, filename = imports.import_template(fmt, campaign=campaign)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
