"""The pages that bring every app together: the home page and "mon espace".

pages sits on top of the layers: it may read from any app, and no app imports it."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from actors.queries import user_memberships, user_municipal_contacts
from territories.models import Region


@require_GET
def home(request):
    return render(request, "pages/home.html", {"regions": Region.objects.order_by("name")})


@login_required
@require_http_methods(["GET"])
def my_space(request):
    user = request.user
    return render(
        request,
        "pages/my_space.html",
        {
            "memberships": user_memberships(user),
            "contacts": user_municipal_contacts(user),
            "can_review_groups": user.has_perm("actors.view_validation_queue"),
            "can_verify_contacts": user.has_perm("actors.verify_municipal_contact"),
            "can_moderate": user.has_perm("moderation.moderate"),
        },
    )
