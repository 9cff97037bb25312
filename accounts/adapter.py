from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from core.emails import email_message_enqueue
from core.permissions import site_url


@dataclass(frozen=True)
class PlatformSite:
    """What allauth's email templates read as `current_site` (we run no sites framework)."""

    name: str
    domain: str


def platform_site(request) -> PlatformSite:
    """The platform's name, and the host its links point to (SITE_URL, else the request's)."""
    if request is None and not settings.SITE_URL:
        return PlatformSite(name=settings.SITE_NAME, domain="")
    return PlatformSite(name=settings.SITE_NAME, domain=urlsplit(site_url(request)).netloc)


class AccountAdapter(DefaultAccountAdapter):
    """allauth's emails go through the task queue, like all of ours, in the
    recipient's language when they have an account."""

    def send_mail(self, template_prefix, email, context):
        request = context.get("request") or allauth_context.request
        context = {"email": email, "current_site": platform_site(request), "request": request, **context}
        user = context.get("user") or get_user_model().objects.filter(email__iexact=email).first()
        language = getattr(user, "language", None) or translation.get_language()
        with translation.override(language):
            message = self.render_mail(template_prefix, email, context)
        email_message_enqueue(message)
