"""Pages of meetings: scheduling one (a committee's, a working group's), its page, its edit
and cancellation, registrations, and after it the minutes, attendance and decisions.

A members-only meeting is a 404 to whoever may not see it (anonymous visitors included),
as a meeting that does not exist: its id tells nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.actions import perform
from core.concurrency import perform_edit, track
from core.markdown import render as render_markdown
from core.permissions import require

from ..forms.meetings import CancelForm, DecisionForm, MeetingForm, MinutesForm
from ..queries import meetings as queries
from ..queries.discussions import discussion_panel
from ..services import meetings as services
from ..services.meetings import MeetingError


def _visible(request, obj, permission):
    if obj is None or not request.user.has_perm(permission, obj):
        raise Http404
    return obj


def _meeting(request, pk):
    return _visible(request, queries.meeting_get(pk), "coconstruction.view_meeting")


def _body(meeting=None, *, committee=None, working_group=None):
    """Who holds the meeting: its name, its page, its commune (None for an organisation's group)."""
    if meeting is not None:
        committee, working_group = meeting.committee, meeting.working_group
    body = committee or working_group
    commune = (
        committee.commune
        if committee
        else (working_group.committee.commune if working_group.committee_id else None)
    )
    return {
        "name": str(body),
        "url": body.get_absolute_url(),
        "commune": commune,
        "is_committee": committee is not None,
    }


# Scheduling ---------------------------------------------------------------------------------


def _create(request, *, committee=None, working_group=None):
    form = MeetingForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            outcome := perform(
                request,
                lambda: services.meeting_create(
                    user=request.user, committee=committee, working_group=working_group, **form.arguments()
                ),
                errors=MeetingError,
                form=form,
                success=_("The meeting is scheduled: the members are invited by email."),
            )
        )
    ):
        return redirect(outcome.result)
    body = _body(committee=committee, working_group=working_group)
    return render(request, "coconstruction/meetings/form.html", {"form": form, "body": body, "meeting": None})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, code):
    committee = queries.committee_of(code)
    if committee is None:
        raise Http404
    require(request, "coconstruction.schedule_meeting", committee)
    return _create(request, committee=committee)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create_group(request, pk):
    group = _visible(request, queries.working_group_get(pk), "coconstruction.view_working_group")
    require(request, "coconstruction.schedule_meeting", group)
    if group.is_closed:
        messages.error(request, _("This working group is closed: it holds no new meeting."))
        return redirect(group)
    return _create(request, working_group=group)


# The meeting's page --------------------------------------------------------------------------


@require_GET
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    user = request.user
    insider = user.has_perm("coconstruction.meeting_insider", meeting)
    can_change = user.has_perm("coconstruction.change_meeting", meeting)
    now = timezone.now()
    decisions = queries.decisions_of(meeting, user)
    return render(
        request,
        "coconstruction/meetings/detail.html",
        {
            "meeting": meeting,
            "body": _body(meeting),
            "when": queries.when(meeting),
            "is_past": meeting.ends_at < now,
            "has_started": meeting.starts_at <= now,
            "registrations": queries.registrations_of(meeting, user, insider=insider),
            "can_register": user.has_perm("coconstruction.register_meeting", meeting),
            "insider": insider,
            "can_change": can_change,
            "agenda_html": render_markdown(meeting.agenda) if meeting.agenda else "",
            "minutes_html": render_markdown(meeting.minutes) if meeting.minutes else "",
            "attendance": queries.attendance_of(meeting),
            "decisions": decisions,
            "reportable": {
                d.pk for d in decisions if user.is_authenticated and user.has_perm("moderation.report", d)
            },
            "history": queries.meeting_history(meeting) if can_change else None,
            "discussion": discussion_panel(request, meeting=meeting),
        },
    )


@login_required
@require_POST
def meeting_register(request, pk):
    meeting = _meeting(request, pk)
    require(request, "coconstruction.register_meeting", meeting)
    perform(
        request,
        lambda: services.registration_create(meeting=meeting, user=request.user),
        errors=MeetingError,
        success=_("You are registered for this meeting."),
    )
    return redirect(meeting.get_absolute_url() + "#inscriptions")


@login_required
@require_POST
def meeting_unregister(request, pk):
    meeting = _meeting(request, pk)
    require(request, "coconstruction.register_meeting", meeting)
    perform(
        request,
        lambda: services.registration_cancel(meeting=meeting, user=request.user),
        errors=MeetingError,
        success=_("Your registration is cancelled: your place is free for someone else."),
    )
    return redirect(meeting.get_absolute_url() + "#inscriptions")


# Edit and cancellation -------------------------------------------------------------------------


def _changeable(request, pk):
    meeting = _meeting(request, pk)
    require(request, "coconstruction.change_meeting", meeting)
    return meeting


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = _changeable(request, pk)
    if meeting.is_cancelled:
        messages.error(request, _("This meeting is cancelled: it can no longer be changed."))
        return redirect(meeting)
    form = track(MeetingForm(request.POST or None, meeting=meeting), meeting)
    if (
        request.method == "POST"
        and form.is_valid()
        and perform_edit(
            request,
            form,
            lambda: services.meeting_update(
                meeting=meeting,
                user=request.user,
                version=form.cleaned_data.get("version"),
                **form.arguments(),
            ),
            current_values=MeetingForm.values_of,
            what=_("this meeting"),
            errors=MeetingError,
            success=_("The meeting is updated: the people invited are told."),
        )
    ):
        return redirect(meeting)
    return render(
        request,
        "coconstruction/meetings/form.html",
        {"form": form, "body": _body(meeting), "meeting": meeting},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request, pk):
    meeting = _changeable(request, pk)
    if meeting.is_cancelled:
        messages.error(request, _("This meeting is already cancelled."))
        return redirect(meeting)
    form = track(CancelForm(request.POST or None), meeting)
    if (
        request.method == "POST"
        and form.is_valid()
        and perform_edit(
            request,
            form,
            lambda: services.meeting_cancel(
                meeting=meeting,
                user=request.user,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data.get("version"),
            ),
            current_values=lambda current: {"reason": current.cancelled_reason},
            what=_("this meeting"),
            errors=MeetingError,
            success=_("The meeting is cancelled: the people invited are told."),
        )
    ):
        return redirect(meeting)
    return render(
        request,
        "coconstruction/meetings/cancel.html",
        {"form": form, "meeting": meeting, "body": _body(meeting), "when": queries.when(meeting)},
    )


# Minutes and decisions ------------------------------------------------------------------------------


def _minutes_page(request, meeting, *, minutes_form=None, decision_form=None, status=200):
    body = _body(meeting)
    items = queries.committed_items(body["commune"])
    return render(
        request,
        "coconstruction/meetings/minutes.html",
        {
            "meeting": meeting,
            "body": body,
            "when": queries.when(meeting),
            "form": minutes_form or track(MinutesForm(meeting=meeting), meeting),
            "decision_form": decision_form or DecisionForm(items=items, auto_id="decision_%s"),
            "decisions": queries.decisions_of(meeting, request.user),
            "has_items": bool(items),
        },
        status=status,
    )


def _minutes_open(request, meeting):
    """Whether the minutes may be written now (else a message says why)."""
    if meeting.is_cancelled:
        messages.error(request, _("This meeting is cancelled: it has no minutes."))
        return False
    if meeting.starts_at > timezone.now():
        messages.error(request, _("The minutes are written once the meeting has started."))
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def meeting_minutes(request, pk):
    meeting = _changeable(request, pk)
    if not _minutes_open(request, meeting):
        return redirect(meeting)
    form = track(MinutesForm(request.POST or None, meeting=meeting), meeting)
    if (
        request.method == "POST"
        and form.is_valid()
        and perform_edit(
            request,
            form,
            lambda: services.minutes_save(
                meeting=meeting,
                user=request.user,
                version=form.cleaned_data.get("version"),
                **form.arguments(),
            ),
            current_values=MinutesForm.values_of,
            what=_("these minutes"),
            errors=MeetingError,
            success=lambda saved: (
                _("The minutes are published.")
                if saved.minutes_published_at
                else _("The minutes are saved (not published).")
            ),
        )
    ):
        return redirect(meeting.get_absolute_url() + "#compte-rendu")
    return _minutes_page(request, meeting, minutes_form=form)


@login_required
@require_POST
def decision_add(request, pk):
    meeting = _changeable(request, pk)
    if not _minutes_open(request, meeting):
        return redirect(meeting)
    items = queries.committed_items(_body(meeting)["commune"])
    form = DecisionForm(request.POST, items=items, auto_id="decision_%s")
    if form.is_valid() and perform(
        request,
        lambda: services.decision_add(meeting=meeting, user=request.user, **form.arguments()),
        errors=MeetingError,
        form=form,
        success=_("The decision is recorded: it shows in the item's follow-up."),
    ):
        return redirect(reverse("coconstruction:meeting_minutes", args=[meeting.pk]) + "#decisions")
    return _minutes_page(request, meeting, decision_form=form)


@login_required
@require_POST
def decision_delete(request, pk, decision_pk):
    meeting = _changeable(request, pk)
    decision = meeting.decisions.filter(pk=decision_pk).first()
    if decision is None:
        raise Http404
    services.decision_delete(decision=decision, user=request.user)
    messages.success(request, _("The decision is removed."))
    return redirect(reverse("coconstruction:meeting_minutes", args=[meeting.pk]) + "#decisions")


MEETING = "reunions/<int:pk>/"
urlpatterns = [
    path("communes/<str:code>/comite/reunions/nouvelle/", meeting_create, name="meeting_create"),
    path("chantiers/<int:pk>/reunions/nouvelle/", meeting_create_group, name="meeting_create_group"),
    path(MEETING, meeting_detail, name="meeting"),
    path(MEETING + "modifier/", meeting_edit, name="meeting_edit"),
    path(MEETING + "annuler/", meeting_cancel, name="meeting_cancel"),
    path(MEETING + "inscription/", meeting_register, name="meeting_register"),
    path(MEETING + "desinscription/", meeting_unregister, name="meeting_unregister"),
    path(MEETING + "compte-rendu/", meeting_minutes, name="meeting_minutes"),
    path(MEETING + "decisions/", decision_add, name="decision_add"),
    path(MEETING + "decisions/<int:decision_pk>/supprimer/", decision_delete, name="decision_delete"),
]
