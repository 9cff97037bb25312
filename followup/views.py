"""Pages of the follow-up: the commune's board, an item's timeline, an update's permalink,
the forms of the two voices and of joint statements, and the evidence files."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core import panels
from core.actions import perform
from core.permissions import require
from core.uploads import file_response

from . import board, queries, services
from .barometer import queries as barometer_queries
from .forms import CosignForm, FilterForm, UpdateForm
from .models import EVIDENCE_FOLDER, Voice, other_voice
from .rules import following_groups, voices_of


def _commune(code):
    commune = queries.commune_get(code)
    if commune is None:
        raise Http404
    return commune


def _committed(code, item_id):
    commune = _commune(code)
    item = queries.committed_item_get(commune, int(item_id))
    if item is None:
        raise Http404
    return commune, item


def _voice_states(states, item):
    """Both voices' current states of the item, municipality first (None: nothing said yet)."""
    return [(voice, label, states.get((item.pk, voice))) for voice, label in Voice.choices]


def _versions(states, item):
    return {
        f"{voice}_version": state.version if state else 0
        for voice, _label, state in _voice_states(states, item)
    }


def _with_versions(data, states, item):
    """The sent data, on the states' current versions (to send the form again after a conflict)."""
    data = data.copy()
    for name, value in _versions(states, item).items():
        data[name] = value
    return data


# Public pages --------------------------------------------------------------------------


@require_GET
def commune_board(request, code):
    commune = _commune(code)
    data = queries.commune_board(commune)
    form = FilterForm(request.GET or None, frameworks=data["frameworks"], themes=data["themes"])
    filters = form.filters()
    groups = board.arrange(data["rows"], filters, data["themes_of"])
    return render(
        request,
        "followup/board.html",
        {
            "commune": commune,
            "mandate": data["mandate"],
            "groups": groups,
            "total": len(data["rows"]),
            "shown": sum(group.count for group in groups),
            "stale_count": sum(1 for row in data["rows"] if row.stale),
            "form": form,
            "filters": filters,
            "voices": [(voice, label) for voice, label in Voice.choices if voice in filters.voices],
            "can_post": request.user.has_perm("followup.post_update", commune),
            "drafts": queries.joint_drafts(commune, request.user),
            "stale_months": board.STALE_MONTHS,
            "panels": panels.collect("followup_board", commune, request),
            **_barometer_context(request, commune, data["rows"]),
        },
    )


def _barometer_context(request, commune, rows):
    """The yearly barometer on the board: the barometers open now, each item's ratings."""
    items = [row.item for row in rows]
    return {
        "barometers_open": barometer_queries.open_barometers(commune, items, request.user),
        "barometer_ratings": barometer_queries.board_ratings(commune, items),
    }


@require_GET
def item_timeline(request, code, item_id):
    commune, item = _committed(code, item_id)
    states = queries.states_of(commune, [item.pk])
    return render(
        request,
        "followup/item.html",
        {
            "commune": commune,
            "item": item,
            "voice_states": _voice_states(states, item),
            "page": queries.item_timeline(commune, item, request.user, page=request.GET.get("page")),
            "history": queries.state_history(commune, item),
            "can_post": request.user.has_perm("followup.post_update", commune),
            # What the apps above add to an item's follow-up (co-construction's decisions
            # and discussions): core.panels' "followup_item" slot, given (commune, item).
            "panels": panels.collect("followup_item", (commune, item), request),
        },
    )


def _visible_update(request, code, update_id):
    commune = _commune(code)
    update = queries.update_get(commune, int(update_id))
    if update is None or not update.is_visible_to(request.user):
        raise Http404
    return update


@require_GET
def update_detail(request, code, update_id):
    update = _visible_update(request, code, update_id)
    return render(
        request,
        "followup/update.html",
        {
            "update": update,
            "commune": update.commune,
            "item": update.item,
            "can_cosign": request.user.has_perm("followup.cosign", update),
            "can_report": request.user.has_perm("moderation.report", update) and update.is_published,
            "is_author": request.user.is_authenticated
            and request.user.pk in (update.created_by_id, update.cosigned_by_id),
        },
    )


@require_GET
def evidence_file(request, name):
    """An evidence file, for whoever may see its update (a hidden update's: its authors and moderators)."""
    evidence = queries.evidence_file_get(f"{EVIDENCE_FOLDER}/{name}")
    if evidence is None or not evidence.update.is_visible_to(request.user):
        raise Http404
    return file_response(evidence.file.name)


# The voices' forms ----------------------------------------------------------------------


def _update_form(request, commune, states, item, *, joint, data=None):
    return UpdateForm(
        data if data is not None else (request.POST or None),
        request.FILES or None,
        joint=joint,
        voices=voices_of(request.user, commune),
        groups=following_groups(request.user, commune),
        initial=_versions(states, item),
    )


def _after_conflict(request, commune, item, conflict, *, joint=False):
    """The form again, on the current versions, with the conflict's message above it."""
    states = queries.states_of(commune, [item.pk])
    form = _update_form(
        request, commune, states, item, joint=joint, data=_with_versions(request.POST, states, item)
    )
    form.is_valid()
    form.add_error(None, str(conflict))
    return form, states


@login_required
@require_http_methods(["GET", "POST"])
def update_create(request, code, item_id):
    commune, item = _committed(code, item_id)
    require(request, "followup.post_update", commune)
    states = queries.states_of(commune, [item.pk])
    form = _update_form(request, commune, states, item, joint=False)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = perform(
                request,
                lambda: services.update_post(
                    commune=commune, item=item, user=request.user, **form.arguments()
                ),
                errors=services.FollowupError,
                form=form,
                success=_("Your update is published."),
            )
        except services.StateConflict as conflict:
            form, states = _after_conflict(request, commune, item, conflict)
        else:
            if outcome:
                return redirect(outcome.result)
    return render(
        request,
        "followup/update_form.html",
        {
            "commune": commune,
            "item": item,
            "form": form,
            "voice_states": _voice_states(states, item),
            "joint": False,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def joint_create(request, code, item_id):
    commune, item = _committed(code, item_id)
    require(request, "followup.draft_joint_statement", commune)
    states = queries.states_of(commune, [item.pk])
    form = _update_form(request, commune, states, item, joint=True)
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            outcome := perform(
                request,
                lambda: services.joint_statement_draft(
                    commune=commune, item=item, user=request.user, **form.arguments()
                ),
                errors=services.FollowupError,
                form=form,
                success=_(
                    "Your joint statement is drafted: it is published once a member of the other side co-signs it."
                ),
            )
        )
    ):
        return redirect(outcome.result)
    return render(
        request,
        "followup/update_form.html",
        {
            "commune": commune,
            "item": item,
            "form": form,
            "voice_states": _voice_states(states, item),
            "joint": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cosign(request, code, update_id):
    update = _visible_update(request, code, update_id)
    require(request, "followup.cosign", update)
    commune, item = update.commune, update.item
    side = other_voice(update.voice)
    states = queries.states_of(commune, [item.pk])
    form = CosignForm(
        request.POST or None,
        voices=[side],
        groups=following_groups(request.user, commune),
        initial=_versions(states, item),
    )
    if request.method == "POST" and form.is_valid():
        try:
            outcome = perform(
                request,
                lambda: services.joint_statement_cosign(
                    update=update, user=request.user, versions=form.versions(), organization=form.speaker()[1]
                ),
                errors=services.FollowupError,
                form=form,
                success=_("The joint statement is co-signed and published."),
            )
        except services.StateConflict as conflict:
            states = queries.states_of(commune, [item.pk])
            form = CosignForm(
                _with_versions(request.POST, states, item),
                voices=[side],
                groups=following_groups(request.user, commune),
            )
            form.is_valid()
            form.add_error(None, str(conflict))
        else:
            if outcome:
                return redirect(outcome.result)
    return render(
        request,
        "followup/cosign.html",
        {
            "update": update,
            "commune": commune,
            "item": item,
            "form": form,
            "voice_states": _voice_states(states, item),
        },
    )
