"""Municipal contacts: the request to represent a commune, the town hall's verification
link, the partner coordinators' queue."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.actions import perform
from core.permissions import require, site_url
from territories.models import Commune

from .. import queries, services
from ..forms import ContactReviewForm, MunicipalContactForm
from ..models import MunicipalContact


@login_required
@require_http_methods(["GET", "POST"])
def municipal_contact_request(request, code):
    commune = get_object_or_404(Commune.objects.active().select_related("department"), code=code)
    require(request, "actors.request_municipal_contact")
    form = MunicipalContactForm(request.POST or None)
    existing = MunicipalContact.objects.filter(user=request.user, commune=commune).first()
    if request.method == "POST" and form.is_valid():
        by_email = form.cleaned_data["method"] == "town_hall_email"
        if (
            by_email
            and commune.town_hall_email
            and ratelimit.consume(request, action="town_hall_verification", user=request.user) is False
        ):
            messages.error(request, _("Too many verification emails sent: try again later."))
        elif perform(
            request,
            lambda: services.municipal_contact_request(
                user=request.user,
                commune=commune,
                role=form.cleaned_data["role"],
                position=form.cleaned_data["position"],
                by_town_hall_email=by_email,
                site_url=site_url(request),
            ),
            errors=services.ActorsError,
            form=form,
            success=(
                _("A verification link was sent to the town hall's official address (%(email)s).")
                % {"email": commune.town_hall_email}
                if by_email
                else _("Your request was sent to the partner coordinators.")
            ),
        ):
            return redirect("pages:my_space")
    return render(
        request,
        "actors/municipal_contact_form.html",
        {"commune": commune, "form": form, "existing": existing},
    )


@require_http_methods(["GET", "POST"])
def municipal_contact_verify(request, token):
    """The link sent to the town hall. GET only shows a button: mail scanners follow links."""
    if request.method == "POST":
        try:
            contact = services.municipal_contact_verify_by_token(token=token)
        except services.ActorsError as error:
            return render(request, "actors/municipal_contact_verify.html", {"error": str(error)}, status=404)
        return render(request, "actors/municipal_contact_verify.html", {"verified": contact})
    contact = queries.pending_contact_by_token(token)
    if contact is None:
        error = _("This verification link is invalid or has expired.")
        return render(request, "actors/municipal_contact_verify.html", {"error": error}, status=404)
    return render(request, "actors/municipal_contact_verify.html", {"token": token, "contact": contact})


@login_required
@require_http_methods(["GET", "POST"])
def municipal_contacts_queue(request):
    require(request, "actors.verify_municipal_contact")
    if request.method == "POST":
        contact_id = request.POST.get("contact", "")
        if not contact_id.isdigit():
            raise Http404
        contact = get_object_or_404(MunicipalContact, pk=int(contact_id))
        require(request, "actors.verify_municipal_contact", contact)
        form = ContactReviewForm(request.POST)
        if form.is_valid():
            perform(
                request,
                lambda: services.municipal_contact_review(
                    contact=contact, reviewer=request.user, verified=form.cleaned_data["decision"] == "verify"
                ),
                errors=services.ActorsError,
                success=_("Decision recorded."),
            )
        return redirect("actors:municipal_contacts")
    page = Paginator(queries.pending_contacts(), 30).get_page(request.GET.get("page"))
    return render(request, "actors/municipal_contacts.html", {"page": page})
