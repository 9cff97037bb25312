"""One way to check a named rule in a view: anonymous users are sent to log in,
others get 403 for an action on what they may see (`require`), 404 for what they may
not see at all (`require_visible`). Object lookups are done before, so a refusal never
reveals more than a 404 would."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404


def require_visible(request, permission, obj):
    """`require`, for an object the viewer may not even see (an import job, a target's
    history or letter, an organisation's members…): refused, it is a 404, the answer for
    a missing one, so that an id never tells whether it exists. Anonymous users are still
    sent to log in (views that use it send them there before any lookup: login_required)."""
    if request.user.has_perm(permission, obj):
        return
    if not request.user.is_authenticated:
        raise LoginRequired
    raise Http404


class LoginRequired(Exception):
    pass


def require(request, permission, obj=None):
    if request.user.has_perm(permission, obj):
        return
    if not request.user.is_authenticated:
        raise LoginRequired
    raise PermissionDenied


class LoginRequiredMiddleware:
    """Turn LoginRequired into a redirect to the login page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, LoginRequired):
            return redirect_to_login(request.get_full_path())
        return None


def site_url(request):
    """Scheme and host for links in emails: SITE_URL when set, else this request's
    (whose host ALLOWED_HOSTS has already checked)."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    return f"{request.scheme}://{request.get_host()}"
