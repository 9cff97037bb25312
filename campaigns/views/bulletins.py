"""The bulletins of a commune in a campaign, for its managers: a paper bulletin or a
deliberation to record, a commitment to withdraw, a bulletin's PDF and its scan."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commitments.models import Commitment
from commitments.queries import commitment_for_document
from core.actions import perform
from core.uploads import file_response

from .. import services
from ..forms import DeliberationForm, FrameworkChoiceForm, PaperForm, WithdrawForm
from ..pdf import render_pdf
from .common import back_to_target, form_errors, managed_target


def _chosen_framework(request, target):
    form = FrameworkChoiceForm(request.GET or None, campaign=target.campaign)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["referentiel"]
    return target.campaign.frameworks.order_by("title").first()


def _bulletin_page(request, target, framework, form, mode):
    """The form of a paper bulletin or of a deliberation: the framework's items to tick."""
    return render(
        request,
        "campaigns/bulletin_form.html",
        {
            "target": target,
            "framework": framework,
            "form": form,
            "sections": form.bound_sections(),
            "framework_form": FrameworkChoiceForm(
                initial={"referentiel": framework}, campaign=target.campaign
            ),
            "mode": mode,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def paper_record(request, slug, code):
    target = managed_target(request, slug, code)
    framework = _chosen_framework(request, target)
    if framework is None:
        raise Http404
    form = PaperForm(request.POST or None, request.FILES or None, target=target, framework=framework)
    if (
        request.method == "POST"
        and form.is_valid()
        and perform(
            request,
            lambda: services.paper_record(
                target=target,
                framework=framework,
                choices=form.choices(),
                candidate_list=form.cleaned_data.get("candidate_list"),
                signatory_name=form.cleaned_data["signatory_name"],
                signatory_role=form.cleaned_data["signatory_role"],
                signed_on=form.cleaned_data["signed_on"],
                scan=form.cleaned_data.get("scan"),
                user=request.user,
            ),
            errors=services.CampaignsError,
            form=form,
            success=_("The paper bulletin is recorded."),
        )
    ):
        return back_to_target(target, "#engagements")
    return _bulletin_page(request, target, framework, form, "paper")


@login_required
@require_http_methods(["GET", "POST"])
def deliberation_record(request, slug, code):
    target = managed_target(request, slug, code, "campaigns.record_deliberation")
    framework = _chosen_framework(request, target)
    if framework is None:
        raise Http404
    form = DeliberationForm(request.POST or None, request.FILES or None, framework=framework)
    if (
        request.method == "POST"
        and form.is_valid()
        and perform(
            request,
            lambda: services.deliberation_record(
                target=target,
                framework=framework,
                choices=form.choices(),
                reference=form.cleaned_data["reference"],
                adopted_on=form.cleaned_data["adopted_on"],
                file=form.cleaned_data.get("file"),
                user=request.user,
            ),
            errors=services.CampaignsError,
            form=form,
            success=_("The deliberation is recorded: its items are the commune's commitments."),
        )
    ):
        return back_to_target(target, "#engagements")
    return _bulletin_page(request, target, framework, form, "deliberation")


@login_required
@require_POST
def commitment_withdraw(request, slug, code, commitment_id):
    target = managed_target(request, slug, code)
    commitment = get_object_or_404(Commitment, pk=commitment_id, target=target)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: services.commitment_withdraw(commitment=commitment, reason=form.cleaned_data["reason"]),
            errors=services.CampaignsError,
            success=_("The commitment is recorded as withdrawn."),
        )
    else:
        form_errors(request, form)
    return back_to_target(target, "#engagements")


@login_required
@require_GET
def commitment_pdf(request, slug, code, commitment_id):
    target = managed_target(request, slug, code, hidden=True)
    get_object_or_404(Commitment, pk=commitment_id, target=target)
    commitment = commitment_for_document(commitment_id)
    pdf = render_pdf(
        "campaigns/bulletin_pdf.html", {"commitment": commitment, "items": commitment.items.all()}
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="bulletin-{target.commune.code}-{commitment.pk}.pdf"'
    )
    return response


@login_required
@require_GET
def commitment_scan(request, slug, code, commitment_id):
    """The scan of a signed paper bulletin: for the group and the coordinators only (a
    404 for anyone else, as for a missing one)."""
    target = managed_target(request, slug, code, hidden=True)
    commitment = get_object_or_404(Commitment, pk=commitment_id, target=target)
    if not commitment.scan:
        raise Http404
    return file_response(commitment.scan.name)
