"""Signing without an account: the pages a signature invitation's and a withdrawal's
single-use links open. The signature page also lets its signatory decline ("I do not
commit"), publicly, which spends the link."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.actions import perform
from core.permissions import site_url

from .. import services
from ..forms import DeclineForm, SignForm, WithdrawForm


def _invalid(request, invitation):
    return render(
        request,
        "campaigns/sign_invalid.html",
        {"invitation": invitation},
        status=410 if invitation else 404,
    )


def _sign_page(request, token, invitation, form, decline_form):
    return render(
        request,
        "campaigns/sign.html",
        {
            "token": token,  # the forms' actions (the page is reached by it already)
            "invitation": invitation,
            "target": invitation.target,
            "framework": invitation.framework,
            "form": form,
            "sections": form.bound_sections(),
            "decline_form": decline_form,
        },
    )


@require_http_methods(["GET", "POST"])
def sign(request, token):
    invitation = services.invitation_get(token)
    if invitation is None or not invitation.is_usable:
        return _invalid(request, invitation)
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
    return _sign_page(request, token, invitation, form, DeclineForm(auto_id="decline_%s"))


@require_POST
def decline(request, token):
    """The signatory declines ("I do not commit"): the refusal is recorded (public), the
    link spent, the group told."""
    invitation = services.invitation_get(token)
    if invitation is None or not invitation.is_usable:
        return _invalid(request, invitation)
    decline_form = DeclineForm(request.POST, auto_id="decline_%s")
    if decline_form.is_valid():
        outcome = perform(
            request,
            lambda: services.decline_online(
                token=token, reason=decline_form.cleaned_data["public_reason"], site_url=site_url(request)
            ),
            errors=services.CampaignsError,
            form=decline_form,
        )
        if outcome:
            return render(
                request, "campaigns/decline_done.html", {"step": outcome.result, "invitation": invitation}
            )
    return _sign_page(request, token, invitation, SignForm(framework=invitation.framework), decline_form)


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
