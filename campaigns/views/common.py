"""What the views of campaigns share: a campaign or a commune in it from the URL (404 when
missing), the permission check of its managers, the way back to its page."""

from allauth.core import ratelimit
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core.actions import perform
from core.permissions import require, require_visible

from .. import queries, services


def campaign_or_404(slug):
    campaign = queries.campaign_get(slug)
    if campaign is None:
        raise Http404
    return campaign


def target_or_404(slug, code):
    campaign = campaign_or_404(slug)
    target = queries.target_get(campaign, code)
    if target is None:
        raise Http404
    target.campaign = campaign
    return target


def managed_target(request, slug, code, permission="campaigns.manage_target", *, hidden=False):
    """The commune in the campaign, once `permission` on it is checked: 403 otherwise, or
    404 for a `hidden` page its managers only may see (its history, its letter)."""
    target = target_or_404(slug, code)
    (require_visible if hidden else require)(request, permission, target)
    return target


def back_to_target(target, anchor=""):
    return redirect(target.get_absolute_url() + anchor)


def form_errors(request, form):
    """A form posted from the commune's page, which shows no form again: its errors as messages."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label} : {error}" if label else error)


def send_signature_links(request, form, send, success):
    """A signature link sent by email (one invitation, or a list's letter kit): the form
    checked, then the sender's rate limit, then `send(cleaned_data)` through
    core.actions.perform, whose refusals and `success` message the user sees."""
    if not form.is_valid():
        form_errors(request, form)
    elif ratelimit.consume(request, action="signature_invitation", user=request.user) is False:
        messages.error(request, _("Too many invitations sent: try again later."))
    else:
        perform(request, lambda: send(form.cleaned_data), errors=services.CampaignsError, success=success)
