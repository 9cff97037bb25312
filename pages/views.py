"""The pages that bring every app together: the home page, "mon espace" and « Ma commune ».

pages sits on top of the layers: it may read from any app, and no app imports it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from actors.models import MunicipalContact
from actors.queries import user_memberships, user_municipal_contacts
from territories.models import Region

from . import queries
from .figures import home_figures


@require_GET
def home(request):
    return render(
        request, "pages/home.html", {"regions": Region.objects.order_by("name"), "figures": home_figures()}
    )


@login_required
@require_http_methods(["GET"])
def my_space(request):
    user = request.user
    contacts = list(user_municipal_contacts(user))
    return render(
        request,
        "pages/my_space.html",
        {
            "memberships": user_memberships(user),
            "contacts": contacts,
            "is_verified_contact": any(contact.is_verified for contact in contacts),
            "can_review_groups": user.has_perm("actors.view_validation_queue"),
            "can_verify_contacts": user.has_perm("actors.verify_municipal_contact"),
            "can_moderate": user.has_perm("moderation.moderate"),
        },
    )


@login_required
@require_GET
def my_commune(request):
    """« Ma commune »: the page of the communes the user is a verified municipal contact
    of. Anyone else is sent back to their space, told why."""
    communes = queries.my_communes(request.user)
    if not communes:
        waiting = MunicipalContact.objects.filter(
            user=request.user, status=MunicipalContact.Status.PENDING
        ).exists()
        if waiting:
            messages.info(
                request,
                _(
                    "Your request to represent a commune waits for its verification: “My commune” opens once it is verified."
                ),
            )
        else:
            messages.info(
                request,
                _(
                    "“My commune” is for the verified municipal contacts of a commune. Do you represent its "
                    "council or staff? Open the commune's page and choose “I represent this commune”."
                ),
            )
        return redirect("pages:my_space")
    return render(
        request,
        "pages/my_commune.html",
        {"communes": communes, "frameworks": queries.current_frameworks()},
    )
