"""A working group's documents: the upload of a new one, its page with every version, a
new version, and the file itself (served after the group's permission check, from the
private folder `chantiers/`, never by URL)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.actions import perform
from core.permissions import require
from core.uploads import EXTENSIONS, file_response

from ...forms.workgroups import DocumentForm, VersionForm
from ...queries import workgroups as queries
from ...services import workgroups as services
from .groups import VIEW, visible_group

CONTRIBUTE = "coconstruction.contribute_working_group"
NAME_MAX = 60  # characters of a downloaded file's name, before its version and extension


def _visible_document(request, pk):
    document = queries.document_get(pk)
    if document is None or not request.user.has_perm(VIEW, document.working_group):
        raise Http404
    return document


@login_required
@require_http_methods(["GET", "POST"])
def document_create(request, pk):
    group = visible_group(request, pk)
    require(request, CONTRIBUTE, group)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = perform(
            request,
            lambda: services.document_add(
                group=group, user=request.user, title=data["title"], upload=data["file"], note=data["note"]
            ),
            errors=services.WorkingGroupError,
            form=form,
            field="file",
            success=_("The document is shared with the working group."),
        )
        if outcome:
            return redirect(outcome.result)
    return render(request, "coconstruction/workgroups/document_form.html", {"group": group, "form": form})


@require_GET
def document_detail(request, pk):
    document = _visible_document(request, pk)
    group = document.working_group
    return render(
        request,
        "coconstruction/workgroups/document.html",
        {
            "document": document,
            "group": group,
            "versions": list(document.versions.all()),
            "can_contribute": request.user.has_perm(CONTRIBUTE, group),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_version_create(request, pk):
    document = _visible_document(request, pk)
    group = document.working_group
    require(request, CONTRIBUTE, group)
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = perform(
            request,
            lambda: services.document_version_add(
                document=document, user=request.user, upload=data["file"], note=data["note"]
            ),
            errors=services.WorkingGroupError,
            form=form,
            field="file",
            success=lambda version: _("Version %(number)s is shared.") % {"number": version.number},
        )
        if outcome:
            return redirect(document)
    return render(
        request,
        "coconstruction/workgroups/document_form.html",
        {"group": group, "document": document, "form": form},
    )


@require_GET
def document_file(request, pk):
    """A version's file, for whoever may see its group."""
    version = queries.version_get(pk)
    if version is None or not request.user.has_perm(VIEW, version.document.working_group):
        raise Http404
    name = slugify(version.document.title)[:NAME_MAX].strip("-") or "document"
    extension = EXTENSIONS.get(version.content_type, "")
    return file_response(version.file.name, download_name=f"{name}-v{version.number}{extension}")
