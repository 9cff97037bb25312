"""Managing a commune in a campaign: its lists, its log (steps, corrected by their author),
the signature invitations, the election result and the history (the letter kit: letters.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commitments.models import Commitment, CommitmentItem
from core.actions import perform
from core.concurrency import perform_edit, track
from core.history import history_entries
from core.permissions import require, site_url
from frameworks.models import Item

from .. import services
from ..forms import ElectedForm, InvitationForm, ListForm, StepForm
from ..models import CandidateList, SignatureInvitation, Step
from .common import back_to_target, form_errors, managed_target, send_signature_links


@login_required
@require_POST
def list_add(request, slug, code):
    target = managed_target(request, slug, code)
    form = ListForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: services.list_add(target=target, **form.cleaned_data),
            errors=services.CampaignsError,
            success=_("The list is added."),
        )
    else:
        form_errors(request, form)
    return back_to_target(target, "#listes")


def _list_of(target, list_id):
    return get_object_or_404(CandidateList, pk=list_id, target=target)


def _list_values(candidate_list):
    fields = ("name", "head_name", "email", "political_label", "address")
    return {name: getattr(candidate_list, name) for name in fields}


@login_required
@require_http_methods(["GET", "POST"])
def list_edit(request, slug, code, list_id):
    target = managed_target(request, slug, code)
    candidate_list = _list_of(target, list_id)
    form = track(ListForm(request.POST or None, initial=_list_values(candidate_list)), candidate_list)
    if (
        request.method == "POST"
        and form.is_valid()
        and perform_edit(
            request,
            form,
            lambda: services.list_update(candidate_list=candidate_list, **form.cleaned_data),
            current_values=_list_values,
            what=_("this list"),
            errors=services.CampaignsError,
            success=_("Changes saved."),
        )
    ):
        return back_to_target(target, "#listes")
    return render(
        request,
        "campaigns/list_form.html",
        {"target": target, "candidate_list": candidate_list, "form": form},
    )


@login_required
@require_POST
def list_delete(request, slug, code, list_id):
    target = managed_target(request, slug, code)
    candidate_list = _list_of(target, list_id)
    perform(
        request,
        lambda: services.list_delete(candidate_list=candidate_list),
        errors=services.CampaignsError,
        success=_("The list is removed."),
    )
    return back_to_target(target, "#listes")


@login_required
@require_POST
def step_add(request, slug, code):
    target = managed_target(request, slug, code)
    form = StepForm(request.POST, target=target)
    if form.is_valid():
        perform(
            request,
            lambda: services.step_add(target=target, user=request.user, **form.cleaned_data),
            errors=services.CampaignsError,
            success=_("The step is added to the log."),
        )
    else:
        form_errors(request, form)
    return back_to_target(target, "#journal")


@login_required
@require_http_methods(["GET", "POST"])
def step_edit(request, slug, code, step_id):
    """A step corrected by its author (campaigns.change_step); the history keeps the old one."""
    target = managed_target(request, slug, code)
    step = get_object_or_404(Step.objects.select_related("created_by"), pk=step_id, target=target)
    step.target = target
    require(request, "campaigns.change_step", step)
    form = track(StepForm(request.POST or None, target=target, initial=_step_values(step)), step)
    if (
        request.method == "POST"
        and form.is_valid()
        and perform_edit(
            request,
            form,
            lambda: services.step_update(step=step, **form.cleaned_data),
            current_values=_step_values,
            what=_("this step of the log"),
            errors=services.CampaignsError,
            success=_("The step is corrected."),
        )
    ):
        return back_to_target(target, "#journal")
    return render(request, "campaigns/step_form.html", {"target": target, "step": step, "form": form})


def _step_values(step):
    return {
        name: getattr(step, name) for name in ("kind", "date", "notes", "public_reason", "candidate_list")
    }


@login_required
@require_POST
def step_delete(request, slug, code, step_id):
    target = managed_target(request, slug, code)
    step = get_object_or_404(Step, pk=step_id, target=target)
    services.step_delete(step=step)
    messages.success(request, _("The step is removed from the log."))
    return back_to_target(target, "#journal")


@login_required
@require_POST
def invitation_send(request, slug, code):
    target = managed_target(request, slug, code)
    send_signature_links(
        request,
        InvitationForm(request.POST, target=target),
        lambda data: services.invitation_send(
            target=target,
            framework=data["framework"],
            candidate_list=data.get("candidate_list"),
            email=data["email"],
            sent_by=request.user,
            site_url=site_url(request),
        ),
        success=_("The signature invitation is sent."),
    )
    return back_to_target(target, "#invitations")


@login_required
@require_POST
def invitation_cancel(request, slug, code, invitation_id):
    target = managed_target(request, slug, code)
    invitation = get_object_or_404(SignatureInvitation, pk=invitation_id, target=target)
    services.invitation_cancel(invitation=invitation)
    messages.success(request, _("The invitation is cancelled: its link no longer works."))
    return back_to_target(target, "#invitations")


@login_required
@require_POST
def mark_elected(request, slug, code):
    target = managed_target(request, slug, code)
    form = ElectedForm(request.POST, target=target)
    if not form.is_valid():
        form_errors(request, form)
        return back_to_target(target, "#resultat")

    def success(count):
        if form.cleaned_data["candidate_list"] is None:
            return _("The result is cleared.")
        return ngettext(
            "The elected list is recorded: %(count)s signed bulletin becomes the commune's commitment.",
            "The elected list is recorded: %(count)s signed bulletins become the commune's commitments.",
            count,
        ) % {"count": count}

    perform(
        request,
        lambda: services.mark_elected(target=target, candidate_list=form.cleaned_data["candidate_list"]),
        errors=services.CampaignsError,
        success=success,
    )
    return back_to_target(target, "#resultat")


@login_required
@require_GET
def target_history(request, slug, code):
    target = managed_target(request, slug, code, hidden=True)
    list_ids = list(CandidateList.history.filter(target_id=target.pk).values_list("id", flat=True).distinct())
    commitment_ids = list(
        Commitment.history.filter(target_id=target.pk).values_list("id", flat=True).distinct()
    )
    item_records = list(
        CommitmentItem.history.filter(commitment_id__in=commitment_ids).order_by("-history_date")[:500]
    )
    items = Item.objects.in_bulk({record.item_id for record in item_records}) if item_records else {}

    def item_label(record):
        item = items.get(record.item_id)
        return f"{item.code}. {item.title}" if item else "—"

    entries = history_entries(item_records, label=item_label)
    for records in (
        target.history.order_by("-history_date")[:200],
        Step.history.filter(target_id=target.pk).order_by("-history_date")[:200],
        CandidateList.history.filter(id__in=list_ids).order_by("-history_date")[:200],
        Commitment.history.filter(id__in=commitment_ids).order_by("-history_date")[:200],
    ):
        entries += history_entries(list(records))
    entries.sort(key=lambda entry: entry["date"], reverse=True)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "campaigns/history.html", {"target": target, "page": page})
