"""Taking part in a committee: a person or an organisation asks, a decider answers or adds
an organisation directly, a member leaves, a decider removes a person or an organisation.
Every view is a POST back to the committee page (its forms sent back with their errors)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actors.models import Organization
from core.actions import perform
from core.permissions import require, site_url

from ...forms.committees import DecisionForm, MemberRequestForm, OrganizationAddForm, OrganizationRequestForm
from ...models import CommitteeMember, CommitteeOrganization, Participation
from ...queries import committees as queries
from ...rules.committees import is_verified_contact_of, joinable_organizations
from ...services import committees as services
from .pages import committee_or_404, page


@login_required
@require_POST
def member_request(request, code):
    committee = committee_or_404(code)
    require(request, "coconstruction.join_committee", committee)
    member_orgs = Organization.objects.filter(
        committees__committee=committee,
        committees__status=Participation.ACCEPTED,
        memberships__user=request.user,
    ).order_by("name")
    form = MemberRequestForm(
        request.POST,
        organizations=member_orgs,
        municipality=is_verified_contact_of(request.user, committee.commune),
    )
    outcome = form.is_valid() and perform(
        request,
        lambda: services.member_request(
            committee=committee,
            user=request.user,
            organization=form.cleaned_data.get("organization"),
            site_url=site_url(request),
        ),
        errors=services.CommitteesError,
        form=form,
        field="organization" if "organization" in form.fields else None,
        success=_joined_message,
    )
    if not outcome:
        return page(request, committee.commune, committee, member_form=form)
    return redirect(committee)


def _joined_message(row):
    if row.status == Participation.ACCEPTED:
        return _("You take part in the committee.")
    return _("Your request is sent: the committee's deciders will answer it.")


@login_required
@require_POST
def organization_request(request, code):
    committee = committee_or_404(code)
    require(request, "coconstruction.join_committee", committee)
    form = OrganizationRequestForm(request.POST, organizations=joinable_organizations(request.user))
    outcome = form.is_valid() and perform(
        request,
        lambda: services.organization_request(
            committee=committee,
            organization=form.cleaned_data["organization"],
            user=request.user,
            site_url=site_url(request),
        ),
        errors=services.CommitteesError,
        form=form,
        field="organization",
        success=lambda row: (
            _("The organisation takes part in the committee.")
            if row.status == Participation.ACCEPTED
            else _("The request is sent: the committee's deciders will answer it.")
        ),
    )
    if not outcome:
        return page(request, committee.commune, committee, organization_form=form)
    return redirect(committee)


@login_required
@require_POST
def organization_add(request, code):
    committee = committee_or_404(code)
    require(request, "coconstruction.decide_committee", committee)
    form = OrganizationAddForm(request.POST, candidates=queries.addable_organizations(committee))
    outcome = form.is_valid() and perform(
        request,
        lambda: services.organization_add(
            committee=committee, organization=form.cleaned_data["organization"], by=request.user
        ),
        errors=services.CommitteesError,
        form=form,
        field="organization",
        success=lambda row: _("%(name)s takes part in the committee.") % {"name": row.organization.name},
    )
    if not outcome:
        return page(request, committee.commune, committee, add_form=form)
    return redirect(committee)


def _decide(request, code, model, pk):
    committee = committee_or_404(code)
    row = get_object_or_404(model.objects.select_related("organization"), pk=pk, committee=committee)
    require(request, "coconstruction.decide_participation", row)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or to refuse the request."))
        return redirect(committee)
    accept = form.cleaned_data["decision"] == "accept"
    perform(
        request,
        lambda: services.request_decide(row=row, by=request.user, accept=accept, site_url=site_url(request)),
        errors=services.CommitteesError,
        success=_("Request accepted.") if accept else _("Request refused."),
    )
    return redirect(committee)


@login_required
@require_POST
def organization_decide(request, code, pk):
    return _decide(request, code, CommitteeOrganization, pk)


@login_required
@require_POST
def member_decide(request, code, pk):
    return _decide(request, code, CommitteeMember, pk)


@login_required
@require_POST
def organization_remove(request, code, pk):
    committee = committee_or_404(code)
    row = get_object_or_404(
        CommitteeOrganization.objects.select_related("organization"), pk=pk, committee=committee
    )
    require(request, "coconstruction.withdraw_committee_organization", row)
    perform(
        request,
        lambda: services.organization_remove(row=row, by=request.user),
        errors=services.CommitteesError,
        success=_("%(name)s no longer takes part in the committee.") % {"name": row.organization.name},
    )
    return redirect(committee)


@login_required
@require_POST
def member_remove(request, code, pk):
    committee = committee_or_404(code)
    row = get_object_or_404(CommitteeMember.objects.select_related("user"), pk=pk, committee=committee)
    require(request, "coconstruction.decide_participation", row)
    perform(
        request,
        lambda: services.member_remove(row=row, by=request.user),
        errors=services.CommitteesError,
        success=_("%(name)s no longer takes part in the committee.") % {"name": row.user.public_name},
    )
    return redirect(committee)


@login_required
@require_POST
def leave(request, code):
    committee = committee_or_404(code)
    require(request, "coconstruction.leave_committee", committee)
    perform(
        request,
        lambda: services.member_leave(committee=committee, user=request.user),
        errors=services.CommitteesError,
        success=_("You no longer take part in the committee."),
    )
    return redirect(committee)
