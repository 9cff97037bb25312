"""System checks of our own settings (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Warning as CheckWarning


def site_url_check(app_configs, **kwargs):
    """The task worker writes links without a request (digests, reminders, notifications):
    in production they need SITE_URL, or they would point to the development server."""
    if settings.SITE_URL:
        return []
    return [
        CheckWarning(
            "SITE_URL is empty: links in emails sent by the task worker (digests, barometer "
            "reminders, notifications) would not point to this site.",
            hint="Set SITE_URL to the public address, e.g. https://hospitalite.example.org.",
            id="core.W001",
        )
    ]
