"""Dates as people write them: `{{ value|long_date }}` is Django's DATE_FORMAT of the
active language, with French's ordinal first day ("1er décembre 2026", not "1 décembre
2026"). `{% load dates %}`; `{{ value|long_datetime }}` adds the time."""

from datetime import date, datetime

from django import template
from django.utils import dateformat, formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

# The first day of the month, as French writes it: the day ("j") followed by "er"
# (escaped, so that the format reads it as letters, not as codes).
FIRST_DAY = {"fr": r"j\e\r"}


@register.filter(expects_localtime=True)
def long_date(value: date | None, format_name: str = "DATE_FORMAT") -> str:
    """The date in the active language's format (`format_name`: DATE_FORMAT,
    MONTH_DAY_FORMAT…); "" for no date."""
    if not value:
        return ""
    pattern = formats.get_format(format_name)
    ordinal = FIRST_DAY.get((get_language() or "").split("-")[0])
    if ordinal and value.day == 1:
        pattern = _first_day(pattern, ordinal)
    return dateformat.format(value, pattern)


def _first_day(pattern: str, ordinal: str) -> str:
    """The pattern with its day code ("j", not escaped) written as the ordinal."""
    result, escaped = [], False
    for character in pattern:
        if escaped:
            result.append(character)
            escaped = False
        elif character == "\\":
            result.append(character)
            escaped = True
        elif character == "j":
            result.append(ordinal)
        else:
            result.append(character)
    return "".join(result)


@register.filter(expects_localtime=True)
def long_datetime(value: datetime | None) -> str:
    """The day as `long_date` writes it, then the time ("1er décembre 2026 à 14:05");
    "" for none."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return _("%(date)s at %(time)s") % {
        "date": long_date(value),
        "time": dateformat.time_format(value, formats.get_format("TIME_FORMAT")),
    }
