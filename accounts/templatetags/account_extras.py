"""What the sign-in pages say: why an account is needed for the page one was sent from
(`login_reason`), and where "Continue" leads once two-factor authentication is set up
(`mfa_continue_url`, remembered by accounts.middleware)."""

from allauth.mfa.utils import is_mfa_enabled
from django import template
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from ..middleware import MFA_NEXT_SESSION_KEY

register = template.Library()

# The pages behind a login wall that say what the account is for (by URL name); any other
# page gets the generic sentence.
REASONS = {
    "actors:organization_create": _(
        "Sign in or create an account to create a local group: you will be its coordinator."
    ),
    "actors:join": _(
        "Sign in or create an account to ask to join this group: its coordinators will see who asks."
    ),
    "actors:contact": _(
        "Sign in or create an account to write to this group: its coordinators will be able to answer you."
    ),
    "actors:municipal_contact_request": _(
        "Sign in or create an account to represent your commune: the platform checks it with the town hall."
    ),
    "campaigns:take_on": _(
        "Sign in or create an account to follow a commune in this campaign with your group."
    ),
    "campaigns:campaign_create": _("Sign in to create a campaign."),
    "notifications:follow": _(
        "Sign in or create an account to follow this page: you will be told by email of what changes."
    ),
    "notifications:subscriptions": _("Sign in to manage what you follow."),
    "pages:my_space": _("Sign in to reach your space: your groups, your communes and what you follow."),
    "pages:my_commune": _("Sign in to reach the page of the commune you represent."),
}
GENERIC_REASON = _(
    "This page needs an account. The platform says who acts, so that groups, partners and town halls "
    "know whom they work with: sign in, or create an account in a minute."
)


def safe_next(request, value):
    """`value` if it is a path of this site, else an empty string."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


@register.simple_tag(takes_context=True)
def login_reason(context):
    """Why the visitor sent to the sign-in page needs an account, or "" when nothing sent them."""
    request = context["request"]
    next_url = safe_next(request, request.GET.get("next", ""))
    if not next_url:
        return ""
    try:
        match = resolve(next_url.split("?", 1)[0])
    except Resolver404:
        return GENERIC_REASON
    return REASONS.get(match.view_name, GENERIC_REASON)


@register.simple_tag(takes_context=True)
def mfa_continue_url(context):
    """Where the user was going when asked to set up two-factor authentication, once it is set up."""
    request = context["request"]
    if not request.user.is_authenticated or not is_mfa_enabled(request.user):
        return ""
    return safe_next(request, request.session.get(MFA_NEXT_SESSION_KEY, ""))
