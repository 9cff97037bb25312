"""The members of an organisation: the list and the invitations sent from it, a member's
removal and role, leaving; an invitation's page (by its single-use link)."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.actions import perform
from core.concurrency import ConcurrentEdit, track
from core.permissions import require, require_visible, site_url

from .. import queries, services
from ..forms import InvitationForm, RoleForm
from ..models import Invitation, Membership
from .common import organization_or_404


@login_required
@require_http_methods(["GET", "POST"])
def organization_members(request, slug):
    organization = organization_or_404(request, slug)
    require_visible(request, "actors.view_members", organization)
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
    can_decide = request.user.has_perm("actors.decide_join_request", organization)
    members = list(queries.members(organization))
    coordinators = sum(membership.role == Membership.Role.COORDINATOR for membership in members)
    return render(
        request,
        "actors/members.html",
        {
            "organization": organization,
            "members": members,
            # The last coordinator is offered neither to step down, nor to be removed, nor to leave.
            "sole_coordinator": coordinators == 1,
            "own_membership": next((m for m in members if m.user_id == request.user.pk), None),
            "form": form,
            "can_invite": can_invite,
            "can_remove": request.user.has_perm("actors.remove_member", organization),
            "invitations": invitations,
            "role_form": RoleForm(),
            "join_requests": queries.pending_join_requests(organization) if can_decide else [],
            "can_decide": can_decide,
        },
    )


@login_required
@require_POST
def membership_remove(request, slug, membership_id):
    organization = organization_or_404(request, slug)
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
    organization = organization_or_404(request, slug)
    require(request, "actors.change_member_role", organization)
    membership = get_object_or_404(Membership, pk=membership_id, organization=organization)
    form = track(RoleForm(request.POST), membership)
    if form.is_valid():
        try:
            perform(
                request,
                lambda: services.membership_set_role(membership=membership, **form.cleaned_data),
                errors=services.ActorsError,
                success=_("Role changed."),
            )
        except ConcurrentEdit as conflict:
            messages.error(request, _role_conflict(conflict.current, form.cleaned_data["role"]))
    else:
        for errors in form.errors.values():
            messages.error(request, errors[0])
    return redirect("actors:members", slug=organization.slug)


def _role_conflict(current, wanted):
    """The conflict's message on the members' page: the current role, and the one chosen."""
    return _(
        "Someone else changed the role of %(name)s while you were editing it: it is now “%(current)s” "
        "(you chose “%(wanted)s”). Choose again if needed."
    ) % {
        "name": current.user.public_name,
        "current": current.get_role_display(),
        "wanted": Membership.Role(wanted).label,
    }


@login_required
@require_POST
def organization_leave(request, slug):
    organization = organization_or_404(request, slug)
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
    organization = organization_or_404(request, slug)
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
