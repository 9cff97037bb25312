"""The committee page (with, for a commune without one, the offer to create it), its
creation and the edit form of its purpose."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actors.models import Organization
from commitments.rules import following_groups
from core.actions import perform
from core.concurrency import perform_edit, track
from core.markdown import render as markdown
from core.permissions import require

from ...forms.committees import (
    CommitteeCreateForm,
    CommitteeEditForm,
    DecisionForm,
    MemberRequestForm,
    OrganizationAddForm,
    OrganizationRequestForm,
)
from ...queries import committees as queries
from ...rules.committees import is_coordinator, is_verified_contact_of, joinable_organizations
from ...services import committees as services

TEMPLATE = "coconstruction/committees/committee.html"


def commune_or_404(code):
    commune = queries.commune_get(code)
    if commune is None:
        raise Http404
    return commune


def committee_or_404(code):
    commune = commune_or_404(code)
    committee = queries.committee_of(commune)
    if committee is None:
        raise Http404
    return committee


def create_form(request, commune, data=None):
    groups = [
        group for group in following_groups(request.user, commune) if is_coordinator(request.user, group)
    ]
    return CommitteeCreateForm(data, groups=groups)


def page(request, commune, committee, *, status=200, **forms):
    """The committee page; `forms` are bound forms sent back with their errors."""
    user = request.user
    context = {"commune": commune, "committee": committee}
    if committee is None:
        can_create = user.has_perm("coconstruction.add_committee", commune)
        context["can_create"] = can_create
        if can_create:
            context["create_form"] = forms.get("create_form") or create_form(request, commune)
        return render(request, TEMPLATE, context, status=status)
    insider = user.has_perm("coconstruction.committee_insider", committee)
    can_decide = user.has_perm("coconstruction.decide_committee", committee)
    parts = queries.participations(committee)
    context.update(
        parts,
        purpose=markdown(committee.description),
        insider=insider,
        can_decide=can_decide,
        can_edit=can_decide,  # the same rule (rules/committees.py)
        working_groups=queries.working_groups(committee, user),
        history=queries.history(committee) if insider else None,
        decision_form=DecisionForm(),
        **queries.meetings(committee, insider, request.GET.get("page")),
    )
    context.update(_taking_part(request, committee, parts, forms))
    if can_decide:
        context["add_form"] = forms.get("add_form") or OrganizationAddForm(
            candidates=queries.addable_organizations(committee)
        )
    return render(request, TEMPLATE, context, status=status)


def _taking_part(request, committee, parts, forms):
    """The signed-in viewer's own participation and the forms to ask for more."""
    user = request.user
    if not user.is_authenticated:
        return {}
    mine = [row for row in parts["members"] + parts["pending_members"] if row.user_id == user.pk]
    taken = [row.organization_id for row in parts["organizations"] + parts["pending_organizations"]]
    coordinated = {
        row.organization_id for row in parts["organizations"] if is_coordinator(user, row.organization)
    }
    context = {
        "own": mine[0] if mine else None,
        "withdrawable": coordinated,
    }
    if not mine:
        contact = is_verified_contact_of(user, committee.commune)
        member_orgs = Organization.objects.filter(
            pk__in=[row.organization_id for row in parts["organizations"]], memberships__user=user
        ).order_by("name")
        context["member_form"] = forms.get("member_form") or MemberRequestForm(
            organizations=member_orgs, municipality=contact
        )
        context["joins_at_once"] = contact
    organizations = joinable_organizations(user).exclude(pk__in=taken)
    if "organization_form" in forms or organizations.exists():
        context["organization_form"] = forms.get("organization_form") or OrganizationRequestForm(
            organizations=organizations
        )
    return context


@require_GET
def committee_detail(request, code):
    commune = commune_or_404(code)
    return page(request, commune, queries.committee_of(commune))


@login_required
@require_POST
def committee_create(request, code):
    commune = commune_or_404(code)
    require(request, "coconstruction.add_committee", commune)
    form = create_form(request, commune, request.POST)
    outcome = form.is_valid() and perform(
        request,
        lambda: services.committee_create(
            commune=commune,
            user=request.user,
            description=form.cleaned_data["description"],
            organizations=form.cleaned_data.get("organizations") or (),
        ),
        errors=services.CommitteesError,
        form=form,
    )
    if not outcome:
        return page(request, commune, queries.committee_of(commune), create_form=form)
    committee, created = outcome.result
    if created:
        messages.success(request, _("The follow-up committee is created."))
    else:
        messages.info(request, _("This commune already has a follow-up committee: here it is."))
    return redirect(committee)


def _edited(committee):
    return {"description": committee.description}


@login_required
@require_http_methods(["GET", "POST"])
def committee_edit(request, code):
    committee = committee_or_404(code)
    require(request, "coconstruction.change_committee", committee)
    form = track(CommitteeEditForm(request.POST or None, initial=_edited(committee)), committee)
    if (
        request.method == "POST"
        and form.is_valid()
        and perform_edit(
            request,
            form,
            lambda: services.committee_update(
                committee=committee,
                user=request.user,
                description=form.cleaned_data["description"],
                version=form.cleaned_data.get("version"),
            ),
            current_values=_edited,
            what=_("the committee"),
            errors=services.CommitteesError,
            field="description",
            success=_("Changes saved."),
        )
    ):
        return redirect(committee)
    return render(
        request,
        "coconstruction/committees/edit.html",
        {"committee": committee, "commune": committee.commune, "form": form},
    )
