"""Pages of following: follow and stop following (the buttons of the commune, item and
group pages), "Mes abonnements" (what one follows, how one is told), and the
unsubscribe link of the emails, which works without signing in."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actors.models import Organization
from core.actions import perform
from core.permissions import require
from frameworks.models import Item
from territories.models import Commune

from . import queries, services
from .models import Preference, Subscription


class PreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Emails about what I follow"),
        choices=Preference.Frequency.choices,
        widget=forms.RadioSelect,
    )


def _target(kind, key):
    """The commune, item or local group a follow URL names (404 when it cannot be followed)."""
    target = None
    if kind == "commune":
        target = Commune.objects.select_related("department").filter(code=key, is_active=True).first()
    elif kind == "engagement" and key.isdigit():
        target = Item.objects.select_related("framework").filter(pk=int(key)).first()
    elif kind == "groupe":
        target = Organization.objects.filter(slug=key).first()
    if target is None or not services.is_followable(target):
        raise Http404
    return target


def _name(target):
    if isinstance(target, Commune):
        return f"{target.display_name} ({target.department.code})"
    if isinstance(target, Item):
        return f"{target.code}. {target.title}"
    return target.name


def _back(request, target):
    """Where the button was (`next`, when it is one of our pages), else the target's page."""
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return target.get_absolute_url()


@login_required
@require_POST
def follow(request, kind, key):
    target = _target(kind, key)
    require(request, "notifications.follow", target)
    frequency = Preference.Frequency(services.frequency_of(request.user)).label

    def said(result):
        _subscription, created = result
        if not created:
            return _("You already follow %(name)s.") % {"name": _name(target)}
        return _("You follow %(name)s: you will be told by email %(frequency)s.") % {
            "name": _name(target),
            "frequency": frequency,
        }

    perform(
        request,
        lambda: services.follow(user=request.user, target=target),
        errors=services.NotificationsError,
        success=said,
    )
    return redirect(_back(request, target))


@login_required
@require_POST
def unfollow(request, kind, key):
    target = _target(kind, key)
    require(request, "notifications.follow", target)
    if services.unfollow(user=request.user, target=target):
        messages.success(request, _("You no longer follow %(name)s.") % {"name": _name(target)})
    else:
        messages.info(request, _("You were not following %(name)s.") % {"name": _name(target)})
    return redirect(_back(request, target))


@login_required
@require_GET
def subscriptions(request):
    require(request, "notifications.manage_subscriptions")
    return render(
        request,
        "notifications/subscriptions.html",
        {
            "subscriptions": queries.subscriptions_of(request.user),
            "form": PreferenceForm(initial={"frequency": services.frequency_of(request.user)}),
        },
    )


@login_required
@require_POST
def preference(request):
    require(request, "notifications.manage_subscriptions")
    form = PreferenceForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: services.preference_set(user=request.user, frequency=form.cleaned_data["frequency"]),
            errors=services.NotificationsError,
            success=_("Your choice is saved."),
        )
    else:
        messages.error(request, _("Choose how often you receive emails."))
    return redirect("notifications:subscriptions")


@login_required
@require_POST
def revoke_links(request):
    require(request, "notifications.manage_subscriptions")
    services.links_revoke(user=request.user)
    messages.success(
        request,
        _("The unsubscribe links of the emails already sent no longer work; the next emails carry new ones."),
    )
    return redirect("notifications:subscriptions")


# The link is the credential: mail clients' one-click unsubscribe (RFC 8058) posts to it
# without a CSRF token. Opening it (a GET, as mail scanners do) only shows the button.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        if request.method == "POST":
            ended = services.unsubscribe(token=token)
            return render(request, "notifications/unsubscribe.html", {"done": True, "ended": ended})
        preference = services.unsubscribe_check(token)
    except services.NotificationsError as error:
        return render(request, "notifications/unsubscribe.html", {"error": str(error)}, status=404)
    count = Subscription.objects.filter(user_id=preference.user_id).count()
    return render(request, "notifications/unsubscribe.html", {"count": count})
