"""The spreadsheet import of declared commitments, as a page: the file is checked (a dry
run that writes nothing: each row's outcome, every error with its line and column); when
it has no error it is kept in the private imports/ folder, under a random name that only
this user's session knows, until they apply it (everything or nothing) or check another."""

from pathlib import PurePath

from django.contrib import messages
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commitments import imports
from commitments.rules import importing_capacities
from core.actions import perform
from core.uploads import random_name

from .declarations_forms import ImportForm, capacity_value

SESSION_KEY = "followup_declarations_import"
CHECKED_FOLDER = "imports/declarations"  # core.uploads.PRIVATE_FOLDERS: never served
EXTENSIONS = {"csv", "xlsx"}


def template(fmt):
    return imports.import_template(fmt)


def _forget(request):
    """Delete the checked file this session kept, if any."""
    kept = request.session.pop(SESSION_KEY, None)
    if kept:
        default_storage.delete(kept["file"])


def _keep(request, upload, declared_as):
    """Keep a checked file for this session (replacing the one it kept before)."""
    _forget(request)
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    name = random_name(CHECKED_FOLDER, "")
    if extension in EXTENSIONS:
        name += "." + extension
    upload.seek(0)
    name = default_storage.save(name, upload)
    request.session[SESSION_KEY] = {"file": name, "declared_as": declared_as, "filename": upload.name[-200:]}


def _check(request, form):
    upload = form.cleaned_data["file"]
    if upload.size > imports.MAX_BYTES:
        form.add_error("file", _("This file is too large: 10 MB at most."))
        return None
    outcome = perform(
        request, lambda: imports.import_check(upload), errors=imports.ImportFileError, form=form, field="file"
    )
    if outcome and outcome.result.ok:
        _keep(request, upload, capacity_value(*form.cleaned_data["declared_as"]))
    return outcome.result if outcome else None


def _apply(request, capacities):
    """Apply the file this session checked; its report when it is refused, else None."""
    kept = request.session.get(SESSION_KEY)
    capacity = {capacity_value(*pair): pair for pair in capacities}.get(kept["declared_as"]) if kept else None
    if capacity is None or not default_storage.exists(kept["file"]):
        messages.error(request, _("Check the file first: no checked file is waiting to be applied."))
        return None
    try:
        with default_storage.open(kept["file"], "rb") as handle:
            report = imports.import_apply(
                handle, user=request.user, capacity=capacity[0], organization=capacity[1]
            )
    except imports.ImportRefused as refused:
        messages.error(request, str(refused))
        return refused.report
    except imports.ImportFileError as error:
        messages.error(request, str(error))
        return None
    finally:
        _forget(request)
    created = report.counts[imports.CREATE]
    messages.success(
        request,
        ngettext(
            "%(count)s commitment is declared: each one is published, to be confirmed.",
            "%(count)s commitments are declared: each one is published, to be confirmed.",
            created,
        )
        % {"count": created},
    )
    return None


def import_page(request):
    capacities = importing_capacities(request.user)
    form = ImportForm(capacities=capacities)
    report = None
    if request.method == "POST" and request.POST.get("action") == "apply":
        report = _apply(request, capacities)
        if report is None:
            return redirect("followup:declarations_import")
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES, capacities=capacities)
        if form.is_valid():
            report = _check(request, form)
    return render(
        request,
        "followup/declarations/import.html",
        {
            "form": form,
            "report": report,
            "ready": bool(report and report.ok and request.session.get(SESSION_KEY)),
            "columns": imports.COLUMNS,
        },
    )
