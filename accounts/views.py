import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from actors.models import MunicipalContact
from actors.queries import user_memberships
from core.permissions import require

from . import services
from .forms import DeleteAccountForm, ProfileForm


@login_required
@require_http_methods(["GET"])
def home(request):
    user = request.user
    return render(
        request,
        "accounts/home.html",
        {
            "memberships": user_memberships(user),
            "contacts": MunicipalContact.objects.filter(user=user).select_related("commune__department"),
            "can_review_groups": user.has_perm("actors.view_validation_queue"),
            "can_verify_contacts": user.has_perm("actors.verify_municipal_contact"),
            "can_moderate": user.has_perm("moderation.moderate"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    require(request, "accounts.change_own_account")
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Profile saved."))
        return redirect("accounts:home")
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
    if request.method == "POST" and form.is_valid():
        user = request.user
        try:
            services.account_delete(user=user)
        except services.AccountError as error:
            form.add_error(None, str(error))
        else:
            logout(request)
            messages.success(
                request, _("Your account is deleted. Your contributions now show “deleted account”.")
            )
            return redirect("core:home")
    return render(request, "accounts/delete.html", {"form": form})


@require_http_methods(["GET"])
def privacy(request):
    return render(request, "accounts/privacy.html")
