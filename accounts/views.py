import json

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.actions import perform
from core.concurrency import perform_edit, track
from core.permissions import require

from . import services
from .forms import DeleteAccountForm, ProfileForm


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    require(request, "accounts.change_own_account")
    form = track(ProfileForm(request.POST or None, instance=request.user), request.user)
    if (
        request.method == "POST"
        and form.is_valid()
        and perform_edit(
            request,
            form,
            lambda: services.profile_update(
                user=request.user,
                values={name: form.cleaned_data[name] for name in ProfileForm.Meta.fields},
                version=form.cleaned_data["version"],
            ),
            current_values=lambda current: model_to_dict(current, fields=ProfileForm.Meta.fields),
            what=_("your profile"),
            errors=services.AccountError,
            success=_("Profile saved."),
        )
    ):
        return redirect("pages:my_space")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_http_methods(["GET"])
def my_data(request):
    return render(request, "accounts/my_data.html")


@login_required
@require_http_methods(["GET"])
def export(request):
    data = services.account_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="hospitalite-mes-donnees.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete(request):
    require(request, "accounts.delete_own_account")
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if (
        request.method == "POST"
        and form.is_valid()
        and perform(
            request,
            lambda: services.account_delete(user=request.user),
            errors=services.AccountError,
            form=form,
            success=_("Your account is deleted. Your contributions now show “deleted account”."),
        )
    ):
        logout(request)
        return redirect("pages:home")
    return render(request, "accounts/delete.html", {"form": form})


@require_http_methods(["GET"])
def privacy(request):
    return render(request, "accounts/privacy.html")
