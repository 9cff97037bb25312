"""A working group's pages: the list, the group's page, its creation, and the POSTs of
its members and coordinators. A group the viewer may not see is a 404, whoever asks."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actors.models import Organization
from core.actions import perform
from core.concurrency import perform_edit, track
from core.markdown import render as markdown
from core.permissions import require, site_url
from territories.queries import clean_query

from ...forms.workgroups import CloseForm, FilterForm, InviteForm, WorkingGroupForm
from ...models import Committee
from ...queries import workgroups as queries
from ...queries.discussions import discussion_panel
from ...rules.meetings import is_group_insider
from ...rules.workgroups import is_group_member
from ...services import workgroups as services

VIEW = "coconstruction.view_working_group"


def visible_group(request, pk):
    """The group, or 404 when it does not exist or the viewer may not see it."""
    group = queries.working_group_get(pk)
    if group is None or not request.user.has_perm(VIEW, group):
        raise Http404
    return group


# Reading ----------------------------------------------------------------------------------


@require_GET
def working_group_list(request):
    themes = queries.filter_themes()
    form = FilterForm(request.GET or None, themes=themes)
    filters = form.filters()
    filters["query"] = clean_query(filters["query"])
    page = queries.working_group_list(request.user, page=request.GET.get("page"), **filters)
    query_string = urlencode(
        {
            name: value
            for name, value in (
                ("q", filters["query"]),
                ("theme", filters["theme"]),
                ("statut", filters["status"]),
            )
            if value
        }
    )
    return render(
        request,
        "coconstruction/workgroups/list.html",
        {"form": form, "page": page, "filtered": any(filters.values()), "query_string": query_string},
    )


def group_context(request, group, *, invite_form=None):
    user = request.user
    can_coordinate = user.has_perm("coconstruction.coordinate_working_group", group)
    return {
        "group": group,
        "purpose": markdown(group.purpose),
        "conclusion": markdown(group.conclusion) if group.is_closed else "",
        "members": queries.members_of(group, with_invited=can_coordinate),
        "meetings": queries.meetings_of(group, insider=is_group_insider(user, group)),
        "documents": queries.documents_of(group),
        "discussion": discussion_panel(request, working_group=group),
        "is_member": is_group_member(user, group),
        "can_join": user.has_perm("coconstruction.join_working_group", group),
        "can_accept": user.has_perm("coconstruction.accept_working_group_invitation", group),
        "can_leave": user.has_perm("coconstruction.leave_working_group", group),
        "can_coordinate": can_coordinate,
        "can_contribute": user.has_perm("coconstruction.contribute_working_group", group),
        "invite_form": invite_form or (InviteForm(auto_id="invite-%s") if can_coordinate else None),
    }


@require_GET
def working_group_detail(request, pk):
    group = visible_group(request, pk)
    return render(request, "coconstruction/workgroups/detail.html", group_context(request, group))


# Creating ---------------------------------------------------------------------------------


def _create(request, *, committee=None, organization=None):
    owner = committee or organization
    require(request, "coconstruction.add_working_group", owner)
    form = WorkingGroupForm(
        request.POST or None,
        item_choices=queries.item_choices(committee),
        for_committee=committee is not None,
    )
    if request.method == "POST" and form.is_valid():
        outcome = perform(
            request,
            lambda: services.working_group_create(
                user=request.user, committee=committee, organization=organization, **form.arguments()
            ),
            errors=services.WorkingGroupError,
            form=form,
            success=_("The working group is created: you are its coordinator."),
        )
        if outcome:
            return redirect(outcome.result)
    return render(
        request,
        "coconstruction/workgroups/form.html",
        {"form": form, "committee": committee, "organization": organization},
    )


@login_required
@require_http_methods(["GET", "POST"])
def working_group_create_committee(request, code):
    committee = Committee.objects.select_related("commune").filter(commune__code=code).first()
    if committee is None:
        raise Http404
    return _create(request, committee=committee)


@login_required
@require_http_methods(["GET", "POST"])
def working_group_create_organization(request, slug):
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None:
        raise Http404
    return _create(request, organization=organization)


# Members ----------------------------------------------------------------------------------


def _member_action(request, pk, permission, action, success):
    group = visible_group(request, pk)
    require(request, permission, group)
    perform(
        request,
        lambda: action(group=group, user=request.user),
        errors=services.WorkingGroupError,
        success=success,
    )
    return redirect(group)


@login_required
@require_POST
def working_group_join(request, pk):
    return _member_action(
        request,
        pk,
        "coconstruction.join_working_group",
        services.working_group_join,
        _("You are a member of the working group."),
    )


@login_required
@require_POST
def working_group_accept(request, pk):
    return _member_action(
        request,
        pk,
        "coconstruction.accept_working_group_invitation",
        services.working_group_accept,
        _("Invitation accepted: you are a member of the working group."),
    )


@login_required
@require_POST
def working_group_leave(request, pk):
    group = visible_group(request, pk)
    require(request, "coconstruction.leave_working_group", group)
    services.working_group_leave(group=group, user=request.user)
    messages.success(request, _("You are no longer in the working group."))
    if request.user.has_perm(VIEW, group):
        return redirect(group)
    return redirect("coconstruction:working_groups")


@login_required
@require_POST
def working_group_invite(request, pk):
    group = visible_group(request, pk)
    require(request, "coconstruction.coordinate_working_group", group)
    form = InviteForm(request.POST, auto_id="invite-%s")
    if not form.is_valid():
        pass
    elif ratelimit.consume(request, action="invite_member", user=request.user) is False:
        form.add_error(None, _("Too many invitations sent: try again later."))
    elif perform(
        request,
        lambda: services.working_group_invite(
            group=group, email=form.cleaned_data["email"], invited_by=request.user, site_url=site_url(request)
        ),
        errors=services.WorkingGroupError,
        form=form,
        field="email",
        success=_(
            "If this address belongs to an account, the person is invited: they get an email with the group's link."
        ),
    ):
        return redirect(group.get_absolute_url() + "#membres")
    context = group_context(request, group, invite_form=form)
    return render(request, "coconstruction/workgroups/detail.html", context, status=200)


@login_required
@require_http_methods(["GET", "POST"])
def working_group_close(request, pk):
    group = visible_group(request, pk)
    require(request, "coconstruction.coordinate_working_group", group)
    form = track(CloseForm(request.POST or None, instance=group), group)
    if request.method == "POST" and form.is_valid():
        outcome = perform_edit(
            request,
            form,
            lambda: services.working_group_close(
                group=group,
                user=request.user,
                conclusion=form.cleaned_data["conclusion"],
                version=form.cleaned_data.get("version"),
            ),
            current_values=lambda current: {"conclusion": current.conclusion},
            errors=services.WorkingGroupError,
            success=_("The working group is closed. It stays readable."),
        )
        if outcome:
            return redirect(outcome.result)
    return render(request, "coconstruction/workgroups/close.html", {"group": group, "form": form})
