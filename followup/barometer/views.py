"""Pages of the barometer: the list of barometers, a barometer's national page, opening one
and changing its period (coordinators of the framework's publisher, staff), and the rating
form of a commune's voice."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.actions import perform
from core.concurrency import perform_edit, track
from core.permissions import require

from .. import queries as followup_queries
from ..models import Voice
from ..rules import following_groups, speaks_as
from ..services import FollowupError
from . import aggregates, charts, queries, services
from .forms import BarometerForm, RatingsForm


def _barometer(slug, year):
    barometer = queries.barometer_get(slug, int(year))
    if barometer is None:
        raise Http404
    return barometer


@require_GET
def barometer_list(request):
    frameworks = list(queries.national_frameworks())
    return render(
        request,
        "followup/barometer/list.html",
        {
            "barometers": queries.barometers(),
            "can_open": [f for f in frameworks if request.user.has_perm("followup.open_barometer", f)],
            "today": timezone.localdate(),
        },
    )


@require_GET
def barometer_detail(request, slug, year):
    barometer = _barometer(slug, year)
    return render(
        request,
        "followup/barometer/detail.html",
        {
            "barometer": barometer,
            "summary": aggregates.barometer_summary(barometer),
            "levels": charts.levels(),
            "others": [b for b in queries.barometers() if b.framework_slug == slug and b.pk != barometer.pk],
            "can_change": request.user.has_perm("followup.change_barometer", barometer),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def barometer_create(request, slug):
    framework = queries.national_framework_get(slug)
    if framework is None:
        raise Http404
    require(request, "followup.open_barometer", framework)
    form = BarometerForm(request.POST or None, initial={"year": timezone.localdate().year})
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            outcome := perform(
                request,
                lambda: services.barometer_create(framework=framework, user=request.user, **form.arguments()),
                errors=FollowupError,
                form=form,
                success=_(
                    "The barometer is set: the voices of the communes are reminded by email when it opens."
                ),
            )
        )
    ):
        return redirect(outcome.result)
    return render(
        request, "followup/barometer/form.html", {"framework": framework, "form": form, "barometer": None}
    )


def _period(barometer):
    return {"opens_on": barometer.opens_on, "closes_on": barometer.closes_on}


@login_required
@require_http_methods(["GET", "POST"])
def barometer_edit(request, slug, year):
    barometer = _barometer(slug, year)
    require(request, "followup.change_barometer", barometer)
    form = track(BarometerForm(request.POST or None, fixed_year=True, initial=_period(barometer)), barometer)
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            outcome := perform_edit(
                request,
                form,
                lambda: services.barometer_change(barometer=barometer, user=request.user, **form.arguments()),
                current_values=_period,
                what=_("this barometer's period"),
                errors=FollowupError,
                success=_("The barometer's period is changed."),
            )
        )
    ):
        return redirect(outcome.result)
    return render(
        request,
        "followup/barometer/form.html",
        {"framework": barometer.framework, "form": form, "barometer": barometer},
    )


@login_required
@require_http_methods(["GET", "POST"])
def ratings_edit(request, code, slug, year, voice_slug):
    """A voice's ratings of every committed item of the commune in an open barometer."""
    commune = followup_queries.commune_get(code)
    voice = queries.VOICE_SLUGS.get(voice_slug)
    if commune is None or voice is None:
        raise Http404
    barometer = _barometer(slug, year)
    require(request, "followup.rate", commune)
    if not speaks_as(request.user, commune, voice):
        raise PermissionDenied
    items = queries.barometer_items(barometer, commune)
    if not items:
        raise Http404
    groups = following_groups(request.user, commune) if voice == Voice.CIVIL_SOCIETY else []
    form = RatingsForm(
        request.POST or None,
        items=items,
        ratings=queries.voice_ratings(barometer, commune, voice),
        voice=voice,
        groups=groups,
    )
    if request.method == "POST" and form.is_valid():
        outcome = perform(
            request,
            lambda: services.ratings_save(
                barometer=barometer,
                commune=commune,
                user=request.user,
                voice=voice,
                answers=form.answers(),
                organization=form.organization(),
                seen=form.seen(),
            ),
            errors=FollowupError,
            form=form,
            success=_("Your ratings are saved. You may change them until the barometer closes."),
        )
        if outcome:
            return redirect(reverse("followup:board", args=[commune.code]) + "#barometre")
        if isinstance(outcome.error, services.RatingsConflict):
            form.take_stamp(outcome.error.stamp)
    return render(
        request,
        "followup/barometer/ratings_form.html",
        {
            "commune": commune,
            "barometer": barometer,
            "voice": voice,
            "voice_label": dict(Voice.choices)[voice],
            "form": form,
            "is_open": barometer.is_open(),
            "levels": charts.levels(),
        },
    )
