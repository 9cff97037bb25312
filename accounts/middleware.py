"""Two-factor authentication is mandatory for platform staff and partner coordinators."""

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import resolve
from django.urls.exceptions import Resolver404
from django.utils.translation import gettext as _

from .rules import mfa_required

# Where the user was going when sent to set up two-factor authentication: the "Continue"
# of the pages that follow the set-up leads there (templatetags.account_extras).
MFA_NEXT_SESSION_KEY = "accounts:mfa-next"


class RequireMfaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not self._exempt(request)
            and mfa_required(user)
            and not is_mfa_enabled(user)
        ):
            messages.warning(
                request, _("Your role requires two-factor authentication: activate it to continue.")
            )
            if request.method == "GET":
                request.session[MFA_NEXT_SESSION_KEY] = request.get_full_path()
            return redirect("mfa_activate_totp")
        if (
            request.method == "GET"
            and request.GET.get("next")
            and self._url_name(request) == "mfa_activate_totp"
        ):
            request.session[MFA_NEXT_SESSION_KEY] = request.GET["next"]
        return self.get_response(request)

    @staticmethod
    def _url_name(request):
        try:
            return resolve(request.path_info).url_name
        except Resolver404:
            return None

    def _exempt(self, request):
        if request.path.startswith((settings.STATIC_URL, "/api/")):
            return True
        url_name = self._url_name(request)
        return url_name is None or url_name in settings.MFA_REQUIRED_EXEMPT_URL_NAMES
