from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.actions import perform
from core.history import history_entries
from core.permissions import require, site_url
from territories.models import Commune
from territories.queries import clean_query

from . import queries, services
from .forms import (
    ContactReviewForm,
    InvitationForm,
    LocalGroupForm,
    MunicipalContactForm,
    OrganizationEditForm,
    ReviewForm,
    RoleForm,
)
from .models import Invitation, Membership, MunicipalContact, Organization


def _organization(request, slug):
    organization = queries.organization_for_viewer(slug, request.user)
    if organization is None:
        raise Http404
    return organization


@require_http_methods(["GET"])
def organization_list(request):
    kind = request.GET.get("type", "")
    if kind not in Organization.Kind.values:
        kind = ""
    department = clean_query(request.GET.get("departement", ""), 3).upper()
    query = clean_query(request.GET.get("q", ""))
    page = Paginator(
        queries.public_organizations(kind=kind, department=department, query=query), 30
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "actors/organization_list.html",
        {
            "page": page,
            "kind": kind,
            "department": department,
            "query": query,
            "kinds": Organization.Kind.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request):
    require(request, "actors.add_organization")
    initial = {}
    if code := clean_query(request.GET.get("commune", ""), 5):
        commune = Commune.objects.active().filter(code=code).first()
        if commune:
            initial["commune"] = commune.code
    form = LocalGroupForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and ratelimit.consume(request, action="create_organization", user=request.user) is False
    ):
        form.add_error(None, _("Too many groups created: try again later."))
    elif request.method == "POST" and form.is_valid():
        outcome = perform(
            request,
            lambda: services.organization_create_local_group(
                user=request.user, site_url=site_url(request), **form.cleaned_data
            ),
            errors=services.ActorsError,
            form=form,
            success=_("Your group is created. It will be public once a partner coordinator validates it."),
        )
        if outcome:
            return redirect(outcome.result)
    return render(request, "actors/organization_form.html", {"form": form})


@require_http_methods(["GET"])
def organization_detail(request, slug):
    organization = _organization(request, slug)
    user = request.user
    return render(
        request,
        "actors/organization_detail.html",
        {
            "organization": organization,
            "can_change": user.has_perm("actors.change_organization", organization),
            "can_review": user.has_perm("actors.validate_organization", organization),
            "can_view_members": user.has_perm("actors.view_members", organization),
            "can_view_history": user.has_perm("actors.view_history", organization),
            "can_moderate": user.has_perm("moderation.moderate", organization),
            "review_form": ReviewForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request, slug):
    organization = _organization(request, slug)
    require(request, "actors.change_organization", organization)
    form = OrganizationEditForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "name": organization.name,
            "description": organization.description,
            "website": organization.website,
            "logo": organization.logo,
        },
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and perform(
            request,
            lambda: services.organization_update(organization=organization, **form.cleaned_data),
            errors=services.ActorsError,
            form=form,
            field="name",
            success=_("Changes saved."),
        )
    ):
        return redirect(organization)
    return render(request, "actors/organization_edit.html", {"organization": organization, "form": form})


@login_required
@require_POST
def organization_review(request, slug):
    organization = _organization(request, slug)
    require(request, "actors.validate_organization", organization)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to validate or to reject."))
        return redirect(organization)
    perform(
        request,
        lambda: services.organization_set_status(
            organization=organization,
            user=request.user,
            validated=form.cleaned_data["decision"] == "validate",
            reason=form.cleaned_data["reason"],
            site_url=site_url(request),
        ),
        errors=services.ActorsError,
        success=_("Decision recorded; the group's coordinators are told by email."),
    )
    if request.POST.get("from") == "queue":
        return redirect("actors:validation_queue")
    return redirect(organization)


@login_required
@require_http_methods(["GET"])
def validation_queue(request):
    require(request, "actors.view_validation_queue")
    page = Paginator(queries.validation_queue(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "actors/validation_queue.html", {"page": page, "review_form": ReviewForm()})


@login_required
@require_http_methods(["GET", "POST"])
def organization_members(request, slug):
    organization = _organization(request, slug)
    require(request, "actors.view_members", organization)
    can_invite = request.user.has_perm("actors.invite_member", organization)
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        require(request, "actors.invite_member", organization)
        if not form.is_valid():
            pass
        elif ratelimit.consume(request, action="invite_member", user=request.user) is False:
            messages.error(request, _("Too many invitations sent: try again later."))
        elif perform(
            request,
            lambda: services.invitation_send(
                organization=organization,
                invited_by=request.user,
                site_url=site_url(request),
                **form.cleaned_data,
            ),
            errors=services.ActorsError,
            form=form,
            field="email",
            success=_("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
        ):
            return redirect("actors:members", slug=organization.slug)
    invitations = []
    if can_invite:
        invitations = organization.invitations.filter(accepted_at__isnull=True, cancelled_at__isnull=True)
    return render(
        request,
        "actors/members.html",
        {
            "organization": organization,
            "members": queries.members(organization),
            "form": form,
            "can_invite": can_invite,
            "can_remove": request.user.has_perm("actors.remove_member", organization),
            "invitations": invitations,
            "role_form": RoleForm(),
        },
    )


@login_required
@require_POST
def membership_remove(request, slug, membership_id):
    organization = _organization(request, slug)
    require(request, "actors.remove_member", organization)
    membership = get_object_or_404(Membership, pk=membership_id, organization=organization)
    perform(
        request,
        lambda: services.membership_remove(membership=membership),
        errors=services.ActorsError,
        success=_("%(name)s is no longer a member.") % {"name": membership.user.public_name},
    )
    return redirect("actors:members", slug=organization.slug)


@login_required
@require_POST
def membership_role(request, slug, membership_id):
    organization = _organization(request, slug)
    require(request, "actors.change_member_role", organization)
    membership = get_object_or_404(Membership, pk=membership_id, organization=organization)
    form = RoleForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: services.membership_set_role(membership=membership, role=form.cleaned_data["role"]),
            errors=services.ActorsError,
            success=_("Role changed."),
        )
    return redirect("actors:members", slug=organization.slug)


@login_required
@require_POST
def organization_leave(request, slug):
    organization = _organization(request, slug)
    membership = Membership.objects.filter(organization=organization, user=request.user).first()
    if membership is None:
        raise Http404
    require(request, "actors.leave_organization", organization)
    if not perform(
        request,
        lambda: services.membership_remove(membership=membership),
        errors=services.ActorsError,
        success=_("You have left %(name)s.") % {"name": organization.name},
    ):
        return redirect(organization)
    return redirect("pages:my_space")


@login_required
@require_POST
def invitation_cancel(request, slug, invitation_id):
    organization = _organization(request, slug)
    require(request, "actors.invite_member", organization)
    invitation = get_object_or_404(Invitation, pk=invitation_id, organization=organization)
    perform(
        request,
        lambda: services.invitation_cancel(invitation=invitation),
        errors=services.ActorsError,
        success=_("Invitation cancelled."),
    )
    return redirect("actors:members", slug=organization.slug)


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    invitation = services.invitation_get(token)
    usable = invitation is not None and invitation.is_usable
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{request.path}")
        require(request, "actors.accept_invitation")
        outcome = perform(
            request,
            lambda: services.invitation_accept(token=token, user=request.user),
            errors=services.ActorsError,
            success=lambda membership: _("Welcome to %(name)s!") % {"name": membership.organization.name},
        )
        if outcome:
            return redirect(outcome.result.organization)
    return render(
        request,
        "actors/invitation.html",
        {"invitation": invitation if usable else None, "token": token},
        status=200 if usable else 404,
    )


@login_required
@require_http_methods(["GET"])
def organization_history(request, slug):
    organization = _organization(request, slug)
    require(request, "actors.view_history", organization)
    records = list(organization.history.order_by("-history_date")[:200])
    membership_records = list(
        Membership.history.filter(organization_id=organization.pk).order_by("-history_date")[:200]
    )
    members = get_user_model().objects.in_bulk({record.user_id for record in membership_records})

    def member_name(record):
        member = members.get(record.user_id)
        return member.public_name if member else _("deleted account")

    entries = history_entries(records) + history_entries(membership_records, label=member_name)
    entries.sort(key=lambda entry: entry["date"], reverse=True)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "actors/history.html", {"organization": organization, "page": page})


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
    return render(request, "actors/municipal_contact_verify.html", {"token": token})


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
