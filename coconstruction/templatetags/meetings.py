"""Meetings' moments as co-construction writes them, everywhere (pages, panels, emails):
"mardi 8 décembre 2026 à 18 h 00", in Paris time (settings.TIME_ZONE), whatever the
active timezone; the pages' script (static/coconstruction/localtime.js) rewrites them in
the viewer's timezone when it is another one.

`{% load meetings %}`: `{{ meeting.starts_at|paris_time }}` (the day and the time),
`{{ meeting.ends_at|paris_clock }}` (the time alone, "20 h 00"). Python code calls
`when_text` and `time_text`."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import template
from django.conf import settings
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.templatetags.dates import long_date

register = template.Library()


def _paris(value: datetime) -> datetime:
    return value.astimezone(ZoneInfo(settings.TIME_ZONE))


def time_text(value: datetime) -> str:
    """ "18 h 00" in French, "18:00" in English (Paris time)."""
    # Translators: a date format for a meeting's time (French: "18 h 00").
    return dateformat.format(_paris(value), pgettext("meeting time", "H:i"))


def when_text(value: datetime) -> str:
    """ "mardi 8 décembre 2026 à 18 h 00" (Paris time, in the active language)."""
    local = _paris(value)
    day = f"{dateformat.format(local, 'l')} {long_date(local)}"
    return _("%(date)s at %(time)s") % {"date": day, "time": time_text(local)}


@register.filter
def paris_time(value: datetime | None) -> str:
    return when_text(value) if value else ""


@register.filter
def paris_clock(value: datetime | None) -> str:
    return time_text(value) if value else ""
