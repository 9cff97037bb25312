"""Writes of the barometer: opening one and changing its period (the coordinators of the
framework's publisher, staff), and a voice's ratings of its commune's committed items.

A voice's ratings are checked all together and written all together or not at all: a
refusal (BarometerError) carries one message per item it is about, in `field_errors`
keyed `score_<item id>` and `comment_<item id>` (the rating form's fields), so that
core.actions.perform puts each message next to its item."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.concurrency import claim

from ..models import COMMENT_MAX, Barometer, Rating, Score
from ..services import FollowupError, _speaker
from . import queries

if TYPE_CHECKING:
    from accounts.models import User
    from actors.models import Organization
    from frameworks.models import Framework
    from territories.models import Commune

YEAR_MIN, YEAR_MAX = 2020, 2100


class BarometerError(FollowupError):
    """A refused write; `field_errors` ({field or None: [messages]}) places the messages."""

    def __init__(
        self, message: str = "", *, field_errors: Mapping[str | None, list[str]] | None = None
    ) -> None:
        self.field_errors = dict(field_errors or {})
        if message:
            self.field_errors.setdefault(None, []).insert(0, message)
        super().__init__(message or " ".join(text for texts in self.field_errors.values() for text in texts))


class RatingsConflict(BarometerError):
    """Someone of the same side saved the ratings since the form was shown: the message says
    what they are now; `stamp` is their stamp (the form takes it, so that sending it again
    replaces them knowingly)."""

    def __init__(self, ratings: list[Rating], items: list) -> None:
        codes = {item.pk: item.code for item in items}
        now = "; ".join(
            f"{codes[rating.item_id]} : {rating.get_score_display()}"
            for rating in sorted(ratings, key=lambda rating: codes.get(rating.item_id, ""))
            if rating.item_id in codes
        )
        super().__init__(
            _(
                "Someone of your side saved these ratings while you were answering. Their ratings now: "
                "%(ratings)s. What you chose is kept in the form: check it, then send it again to "
                "replace theirs."
            )
            % {"ratings": now or "—"}
        )
        self.stamp = queries.ratings_stamp(ratings)


@dataclass(frozen=True)
class Answer:
    """A voice's answer for one item: a level of the scale (None: not rated) and a comment."""

    score: int | None
    comment: str = ""


def _day(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


# Barometers ---------------------------------------------------------------------------------


def _check_period(year: int, opens_on: date | None, closes_on: date | None) -> None:
    errors: dict[str | None, list[str]] = {}
    if not (isinstance(year, int) and YEAR_MIN <= year <= YEAR_MAX):
        errors["year"] = [_("Give a year between %(min)s and %(max)s.") % {"min": YEAR_MIN, "max": YEAR_MAX}]
    if opens_on is None:
        errors["opens_on"] = [_("Give the day the barometer opens.")]
    elif opens_on.year != year:
        errors["opens_on"] = [_("The barometer of %(year)s opens in %(year)s.") % {"year": year}]
    if closes_on is None:
        errors["closes_on"] = [_("Give the day the barometer closes.")]
    elif opens_on is not None and closes_on <= opens_on:
        errors["closes_on"] = [_("The barometer closes after it opens.")]
    if errors:
        raise BarometerError(field_errors=errors)


def barometer_create(
    *, framework: Framework, year: int, opens_on: date | None, closes_on: date | None, user: User | None
) -> Barometer:
    """Open the barometer of a national framework for a year (one per framework and year)."""
    if framework.parent_id is not None:
        raise BarometerError(
            _("A barometer is opened for a national framework: its local versions count with it.")
        )
    _check_period(year, opens_on, closes_on)
    duplicate = BarometerError(
        field_errors={
            "year": [
                _("%(framework)s already has a barometer for %(year)s.")
                % {"framework": framework.short_title, "year": year}
            ]
        }
    )
    if Barometer.objects.filter(framework_slug=framework.slug, year=year).exists():
        raise duplicate
    barometer = Barometer(
        framework=framework,
        framework_slug=framework.slug,
        year=year,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=user,
    )
    barometer._history_user = user
    try:
        with transaction.atomic():
            barometer.save()
    except IntegrityError:  # the same barometer, opened at the same time by someone else
        raise duplicate from None
    return barometer


def barometer_change(
    *,
    barometer: Barometer,
    opens_on: date | None,
    closes_on: date | None,
    user: User,
    version: int | None = None,
) -> Barometer:
    """Change a barometer's period (its framework and year stay), unless it changed since
    `version` (ConcurrentEdit)."""
    _check_period(barometer.year, opens_on, closes_on)
    with transaction.atomic():
        claim(barometer, version)
        barometer.opens_on, barometer.closes_on = opens_on, closes_on
        barometer._history_user = user
        barometer.save(update_fields=["opens_on", "closes_on"])
    return barometer


# Ratings ----------------------------------------------------------------------------------


def _check_open(barometer: Barometer, today: date) -> None:
    if today < barometer.opens_on:
        raise BarometerError(_("This barometer opens on %(date)s.") % {"date": _day(barometer.opens_on)})
    if today > barometer.closes_on:
        raise BarometerError(
            _("This barometer closed on %(date)s: its ratings no longer change.")
            % {"date": _day(barometer.closes_on)}
        )


def _checked_answers(answers: Mapping[int, Answer], item_ids: set[int]) -> dict[int, Answer]:
    """The answers given (a level chosen), each checked; BarometerError with every problem."""
    if set(answers) - item_ids:
        raise BarometerError(
            _("One of these items is not among the commune's committed items for this barometer.")
        )
    errors: dict[str | None, list[str]] = {}
    given = {}
    for item_id, answer in answers.items():
        comment = (answer.comment or "").strip()
        if answer.score in (None, ""):
            if comment:
                errors[f"score_{item_id}"] = [_("Choose a level for this item, or leave its comment empty.")]
            continue
        if answer.score not in Score.values:
            errors[f"score_{item_id}"] = [_("Choose one of the five levels of the scale.")]
        if len(comment) > COMMENT_MAX:
            errors[f"comment_{item_id}"] = [
                _("The comment is too long: %(max)s characters at most.") % {"max": COMMENT_MAX}
            ]
        given[item_id] = Answer(score=answer.score, comment=comment)
    if errors:
        raise BarometerError(
            _("Nothing is saved: correct the items marked below, then send the form again."),
            field_errors=errors,
        )
    if not given:
        raise BarometerError(_("Rate at least one item."))
    return given


def ratings_save(
    *,
    barometer: Barometer,
    commune: Commune,
    user: User,
    voice: str,
    answers: Mapping[int, Answer],
    organization: Organization | None = None,
    today: date | None = None,
    seen: str | None = None,
) -> list[Rating]:
    """Save a voice's ratings of the commune's items (by item id), all or nothing, while the
    barometer is open: a rating given earlier by the same voice changes (its history keeps
    the former one). Returns the ratings created or changed.

    `seen` is the stamp (queries.ratings_stamp) of the voice's ratings the form showed: when
    someone of the same side saved others since, nothing is written and RatingsConflict
    says which items changed (None: no check, as for a script)."""
    _check_open(barometer, today or timezone.localdate())
    organization = _speaker(user, commune, voice, organization)
    items = queries.barometer_items(barometer, commune)
    if not items:
        raise BarometerError(_("None of the commune's committed items is rated in this barometer."))
    given = _checked_answers(answers, {item.pk for item in items})
    now = timezone.now()
    saved = []
    try:
        with transaction.atomic():
            everything = list(
                Rating.objects.select_for_update().filter(barometer=barometer, commune=commune, voice=voice)
            )
            if seen is not None and queries.ratings_stamp(everything) != seen:
                raise RatingsConflict(everything, items)
            existing = {rating.item_id: rating for rating in everything if rating.item_id in given}
            for item_id, answer in given.items():
                rating = existing.get(item_id) or Rating(
                    barometer=barometer, commune=commune, item_id=item_id, voice=voice
                )
                if rating.pk and (rating.score, rating.comment) == (answer.score, answer.comment):
                    continue
                rating.score, rating.comment = answer.score, answer.comment
                rating.organization, rating.author, rating.rated_at = organization, user, now
                rating._history_user = user
                rating.save()
                saved.append(rating)
    except IntegrityError:  # another member of the same side rated a new item at the same moment
        raise BarometerError(
            _(
                "Someone of your side rated these items at the same moment: check their ratings, then send again."
            )
        ) from None
    return saved
