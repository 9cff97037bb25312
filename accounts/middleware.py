"""Two-factor authentication is mandatory for platform staff and partner coordinators."""

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import resolve
from django.urls.exceptions import Resolver404
from django.utils.translation import gettext as _

from .rules import mfa_required


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
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _exempt(request):
        if request.path.startswith((settings.STATIC_URL, "/api/")):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True
        return match.url_name in settings.MFA_REQUIRED_EXEMPT_URL_NAMES
