"""Organisations: the public list and page, a local group's creation, editing, the
partner coordinators' validation (and its queue), the history."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core import panels
from core.actions import perform
from core.concurrency import perform_edit, track
from core.history import history_entries
from core.permissions import require, require_visible, site_url
from territories.models import Commune
from territories.queries import clean_query

from .. import queries, services
from ..forms import LocalGroupForm, OrganizationEditForm, ReviewForm
from ..models import Membership, Organization
from .common import organization_or_404


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
    organization = organization_or_404(request, slug)
    user = request.user
    return render(
        request,
        "actors/organization_detail.html",
        {
            "organization": organization,
            "member_count": organization.memberships.count(),
            # Joining: write to the coordinators, ask to join, or the request waiting.
            "joining": queries.joining_state(organization, user),
            "can_report": user.has_perm("moderation.report", organization),
            "can_change": user.has_perm("actors.change_organization", organization),
            "can_review": user.has_perm("actors.validate_organization", organization),
            "can_view_members": user.has_perm("actors.view_members", organization),
            "can_view_history": user.has_perm("actors.view_history", organization),
            "can_moderate": user.has_perm("moderation.moderate", organization),
            "review_form": ReviewForm(),
            # What upper apps show on a group's page (its follow button: notifications).
            "panels": panels.collect("organization", organization, request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request, slug):
    organization = organization_or_404(request, slug)
    require(request, "actors.change_organization", organization)
    form = track(
        OrganizationEditForm(request.POST or None, request.FILES or None, initial=_edited(organization)),
        organization,
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and perform_edit(
            request,
            form,
            lambda: services.organization_update(organization=organization, **form.cleaned_data),
            current_values=_edited,
            what=_("this organisation"),
            errors=services.ActorsError,
            field="name",
            success=_("Changes saved."),
        )
    ):
        return redirect(organization)
    return render(request, "actors/organization_edit.html", {"organization": organization, "form": form})


def _edited(organization):
    """The values of the edit form."""
    return {name: getattr(organization, name) for name in ("name", "description", "website", "logo")}


@login_required
@require_POST
def organization_review(request, slug):
    organization = organization_or_404(request, slug)
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
@require_http_methods(["GET"])
def organization_history(request, slug):
    organization = organization_or_404(request, slug)
    require_visible(request, "actors.view_history", organization)
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
