"""Signing without an account: the pages a signature invitation's and a withdrawal's
single-use links open. The signature page also lets its signatory decline ("I do not
commit"), publicly, which spends the link.

Signing takes two steps, both server-rendered (no JavaScript needed): the form (items,
levels, comments, the signatory pre-filled from the candidate list), then a summary of
what will be signed, whose « Signer » button sends the same choices again (hidden
fields) with `confirm`; « Modifier mes choix » (`edit`) brings the form back as it was.
Nothing is written before the confirmation, and the choices are checked again then."""

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


def _initial(invitation):
    """The signatory as the candidate list names them: its head, « Tête de liste »."""
    if invitation.candidate_list is None:
        return {}
    return {"signatory_name": invitation.candidate_list.head_name, "signatory_role": _("Head of list")}


def _carried(form):
    """(name, value) of the hidden fields that carry the checked choices to the confirmation."""
    fields = [
        ("signatory_name", form.cleaned_data["signatory_name"]),
        ("signatory_role", form.cleaned_data["signatory_role"]),
        ("terms", "on"),
    ]
    for item, level, comment in form.choices():
        fields.append((f"item_{item.pk}", "on"))
        if level is not None:
            fields.append((f"level_{item.pk}", level.pk))
        if comment:
            fields.append((f"comment_{item.pk}", comment))
    return fields


def _confirm_page(request, token, invitation, form):
    return render(
        request,
        "campaigns/sign_confirm.html",
        {
            "token": token,
            "invitation": invitation,
            "target": invitation.target,
            "framework": invitation.framework,
            "form": form,
            "chosen": form.choices(),
            "total": sum(len(group["entries"]) for group in form.sections),
            "carried": _carried(form),
        },
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
    form = SignForm(request.POST or None, framework=invitation.framework, initial=_initial(invitation))
    if request.method == "POST" and form.is_valid() and "edit" not in request.POST:
        if "confirm" not in request.POST:
            return _confirm_page(request, token, invitation, form)
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
    sign_form = SignForm(framework=invitation.framework, initial=_initial(invitation))
    return _sign_page(request, token, invitation, sign_form, decline_form)


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
