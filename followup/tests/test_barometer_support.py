"""Helpers of the barometer's tests (no test here): barometers opened through the services,
ratings given through them, on a given day."""

from datetime import date, timedelta

from django.utils import timezone

from followup.barometer import services
from followup.barometer.services import Answer
from followup.models import Voice
from tests.support import enable_totp, make_user

from .helpers import PACTE, commune, framework, item

MUNICIPALITY, CIVIL_SOCIETY = Voice.MUNICIPALITY, Voice.CIVIL_SOCIETY


def cap(text):
    return text[:1].upper() + text[1:]


def today():
    return timezone.localdate()


def staff():
    from accounts.models import User

    existing = User.objects.filter(email="staff@example.org").first()
    return existing or enable_totp(make_user("staff@example.org", is_staff=True))


def open_barometer(*, year=None, opens_on=None, closes_on=None, slug=PACTE):
    """A barometer opened by staff: this year's opens today and closes in 30 days."""
    year = year or today().year
    opens_on = opens_on or (today() if year == today().year else date(year, 4, 1))
    closes_on = closes_on or opens_on + timedelta(days=30)
    return services.barometer_create(
        framework=framework(slug), year=year, opens_on=opens_on, closes_on=closes_on, user=staff()
    )


def rate(user, barometer, voice, scores, *, code="93066", comments=None, on=None, **fields):
    """A voice's ratings, {item code: score}, given on day `on` (the barometer's opening by default)."""
    comments = comments or {}
    answers = {item(c).pk: Answer(score=s, comment=comments.get(c, "")) for c, s in scores.items()}
    return services.ratings_save(
        barometer=barometer,
        commune=commune(code),
        user=user,
        voice=voice,
        answers=answers,
        today=on or barometer.opens_on,
        **fields,
    )
