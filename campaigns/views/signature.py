"""Signing without an account: the pages a signature invitation's and a withdrawal's
single-use links open."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.actions import perform
from core.permissions import site_url

from .. import services
from ..forms import SignForm, WithdrawForm


@require_http_methods(["GET", "POST"])
def sign(request, token):
    invitation = services.invitation_get(token)
    if invitation is None or not invitation.is_usable:
        return render(
            request,
            "campaigns/sign_invalid.html",
            {"invitation": invitation},
            status=410 if invitation else 404,
        )
    form = SignForm(request.POST or None, framework=invitation.framework)
    if request.method == "POST" and form.is_valid():
        outcome = perform(
            request,
            lambda: services.sign_online(
                token=token,
                choices=form.choices(),
                signatory_name=form.cleaned_data["signatory_name"],
                signatory_role=form.cleaned_data["signatory_role"],
                terms_accepted=form.cleaned_data["terms"],
                site_url=site_url(request),
            ),
            errors=services.CampaignsError,
            form=form,
        )
        if outcome:
            return render(request, "campaigns/sign_done.html", {"commitment": outcome.result})
    return render(
        request,
        "campaigns/sign.html",
        {
            "invitation": invitation,
            "target": invitation.target,
            "framework": invitation.framework,
            "form": form,
            "sections": form.bound_sections(),
        },
    )


@require_http_methods(["GET", "POST"])
def withdraw(request, token):
    commitment = services.withdraw_get(token)
    if commitment is None:
        return render(request, "campaigns/withdraw_invalid.html", status=404)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.commitment_withdraw(commitment=commitment, reason=form.cleaned_data["reason"])
        except services.CampaignsError as error:  # withdrawn meanwhile (a double submit)
            messages.info(request, str(error))
        else:
            messages.success(request, _("Your commitment is withdrawn. The page of the commune shows it."))
        return redirect(commitment.target)
    return render(request, "campaigns/withdraw.html", {"commitment": commitment, "form": form})
