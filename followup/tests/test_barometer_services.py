"""The barometer's writes: opening one (who, the period, one per framework and year), a
voice's ratings (who rates, the scale's bounds, all or nothing, one per voice and item,
changed until the closing and never after, history)."""

from datetime import date, timedelta

import pytest
from django.utils import formats, translation
from django.utils.translation import gettext

from followup.barometer import services
from followup.barometer.services import Answer, BarometerError
from followup.models import Barometer, Rating, Score
from followup.services import FollowupError
from frameworks.models import Framework
from tests.support import make_partner_coordinator, make_user

from .helpers import EGM, PACTE, commit, commune, fr, framework, item
from .test_barometer_support import CIVIL_SOCIETY, MUNICIPALITY, open_barometer, rate, staff

pytestmark = pytest.mark.django_db


def errors_of(raised):
    return {name: [str(m) for m in messages] for name, messages in raised.value.field_errors.items()}


@pytest.fixture
def barometer(committed):
    return open_barometer()


# Opening a barometer --------------------------------------------------------------------------


def test_a_barometer_belongs_to_the_framework_and_year(db):
    barometer = open_barometer(year=2026, opens_on=date(2026, 4, 1), closes_on=date(2026, 6, 30))

    assert (barometer.framework_slug, barometer.year, barometer.created_by) == (PACTE, 2026, staff())
    assert barometer.get_absolute_url() == f"/suivi/barometres/{PACTE}/2026/"
    assert barometer.history.count() == 1


def test_one_barometer_per_framework_and_year(db):
    open_barometer(year=2026, opens_on=date(2026, 4, 1))

    with pytest.raises(BarometerError) as raised:
        open_barometer(year=2026, opens_on=date(2026, 9, 1))
    assert errors_of(raised) == {
        "year": [fr("%(framework)s already has a barometer for %(year)s.", framework="Pacte", year=2026)]
    }
    open_barometer(year=2026, opens_on=date(2026, 4, 1), slug=EGM)  # another framework: fine
    assert Barometer.objects.count() == 2


@pytest.mark.parametrize(
    ("opens_on", "closes_on", "field", "message"),
    [
        (date(2026, 4, 1), date(2026, 4, 1), "closes_on", "The barometer closes after it opens."),
        (date(2026, 4, 1), date(2026, 3, 1), "closes_on", "The barometer closes after it opens."),
        (date(2025, 12, 1), date(2026, 3, 1), "opens_on", "The barometer of %(year)s opens in %(year)s."),
        (None, date(2026, 3, 1), "opens_on", "Give the day the barometer opens."),
    ],
)
def test_the_period_is_checked(db, opens_on, closes_on, field, message):
    with pytest.raises(BarometerError) as raised:
        services.barometer_create(
            framework=framework(), year=2026, opens_on=opens_on, closes_on=closes_on, user=staff()
        )
    assert errors_of(raised) == {field: [fr(message, year=2026) if "%(year)s" in message else fr(message)]}
    assert not Barometer.objects.exists()


def test_a_local_version_has_no_barometer_of_its_own(db):
    local = Framework(slug="pacte-saint-denis", short_title="Pacte local", parent_id=framework().pk)

    with pytest.raises(BarometerError):
        services.barometer_create(
            framework=local, year=2026, opens_on=date(2026, 4, 1), closes_on=date(2026, 5, 1), user=None
        )
    assert not Barometer.objects.exists()


def test_the_period_changes_but_not_the_year(db):
    barometer = open_barometer(year=2026, opens_on=date(2026, 4, 1), closes_on=date(2026, 5, 1))

    services.barometer_change(
        barometer=barometer, opens_on=date(2026, 4, 2), closes_on=date(2026, 6, 30), user=staff()
    )
    barometer.refresh_from_db()
    assert (barometer.opens_on, barometer.closes_on, barometer.history.count()) == (
        date(2026, 4, 2),
        date(2026, 6, 30),
        2,
    )
    with pytest.raises(BarometerError):
        services.barometer_change(
            barometer=barometer, opens_on=date(2027, 4, 2), closes_on=date(2027, 6, 30), user=staff()
        )


def test_who_opens_a_barometer(db):
    pacte = make_partner_coordinator("coord@pacte.example.org", partner=PACTE)
    egm = make_partner_coordinator("coord@egm.example.org", partner="egm")
    plain = make_user("plain@example.org")

    assert pacte.has_perm("followup.open_barometer", framework(PACTE))
    assert not pacte.has_perm("followup.open_barometer", framework(EGM))
    assert egm.has_perm("followup.open_barometer", framework(EGM))
    assert staff().has_perm("followup.open_barometer", framework(PACTE))
    assert not plain.has_perm("followup.open_barometer", framework(PACTE))
    barometer = open_barometer(year=2026, opens_on=date(2026, 4, 1))
    assert pacte.has_perm("followup.change_barometer", barometer)
    assert not egm.has_perm("followup.change_barometer", barometer)


# Rating ------------------------------------------------------------------------------------------


def test_both_voices_rate_with_a_comment(barometer, mayor, member, group):
    rate(
        mayor,
        barometer,
        MUNICIPALITY,
        {"26": Score.FULLY_DONE, "01": Score.BEGUN},
        comments={"26": "Ouvert."},
    )
    rate(member, barometer, CIVIL_SOCIETY, {"26": Score.ON_TRACK})

    ratings = {(r.item.code, r.voice): r for r in Rating.objects.select_related("item")}
    assert {key: r.score for key, r in ratings.items()} == {
        ("26", MUNICIPALITY): 5,
        ("01", MUNICIPALITY): 2,
        ("26", CIVIL_SOCIETY): 3,
    }
    assert ratings[("26", MUNICIPALITY)].comment == "Ouvert."
    assert ratings[("26", MUNICIPALITY)].organization is None
    assert (ratings[("26", CIVIL_SOCIETY)].organization, ratings[("26", CIVIL_SOCIETY)].author) == (
        group,
        member,
    )


@pytest.mark.parametrize("score", [0, 6, -1, 42])
def test_the_scale_has_five_levels(barometer, mayor, score):
    with pytest.raises(BarometerError) as raised:
        rate(mayor, barometer, MUNICIPALITY, {"26": score})
    assert errors_of(raised)[f"score_{item('26').pk}"] == [fr("Choose one of the five levels of the scale.")]
    assert not Rating.objects.exists()


@pytest.mark.parametrize("score", Score.values)
def test_every_level_is_accepted(barometer, mayor, score):
    rate(mayor, barometer, MUNICIPALITY, {"26": score})

    assert Rating.objects.get().score == score


def test_all_or_nothing(barometer, mayor):
    with pytest.raises(BarometerError) as raised:
        rate(
            mayor,
            barometer,
            MUNICIPALITY,
            {"26": Score.ON_TRACK, "01": 9, "B": None},
            comments={"B": "Un commentaire sans niveau", "26": "x" * 1001},
        )

    assert errors_of(raised) == {
        None: [fr("Nothing is saved: correct the items marked below, then send the form again.")],
        f"score_{item('01').pk}": [fr("Choose one of the five levels of the scale.")],
        f"score_{item('B').pk}": [fr("Choose a level for this item, or leave its comment empty.")],
        f"comment_{item('26').pk}": [fr("The comment is too long: %(max)s characters at most.", max=1000)],
    }
    assert not Rating.objects.exists()


def test_an_empty_form_is_refused(barometer, mayor):
    with pytest.raises(BarometerError, match=fr("Rate at least one item.")):
        rate(mayor, barometer, MUNICIPALITY, {"26": None})


def test_only_the_communes_committed_items_are_rated(barometer, mayor):
    with pytest.raises(BarometerError):
        rate(mayor, barometer, MUNICIPALITY, {"02": Score.BEGUN})
    assert not Rating.objects.exists()


def test_who_rates(barometer, mayor, member, other_mayor, other_member, pending_member, moderator):
    for user, voice in [
        (member, MUNICIPALITY),
        (mayor, CIVIL_SOCIETY),
        (other_mayor, MUNICIPALITY),
        (other_member, CIVIL_SOCIETY),
        (pending_member, CIVIL_SOCIETY),
        (moderator, MUNICIPALITY),
        (moderator, CIVIL_SOCIETY),
    ]:
        with pytest.raises(FollowupError):
            rate(user, barometer, voice, {"26": Score.BEGUN})
    assert not Rating.objects.exists()
    assert mayor.has_perm("followup.rate", commune()) and member.has_perm("followup.rate", commune())
    assert not other_mayor.has_perm("followup.rate", commune())


def test_one_rating_per_voice_changed_until_the_closing(barometer, mayor, member):
    rate(mayor, barometer, MUNICIPALITY, {"26": Score.BEGUN})
    rate(mayor, barometer, MUNICIPALITY, {"26": Score.ON_TRACK}, comments={"26": "Mieux."})
    last_day = barometer.closes_on
    rate(mayor, barometer, MUNICIPALITY, {"26": Score.LARGELY_DONE}, on=last_day)

    rating = Rating.objects.get()
    assert (rating.score, rating.comment) == (Score.LARGELY_DONE, "")
    assert [r.score for r in rating.history.order_by("history_date")] == [2, 3, 4]


def test_an_unchanged_rating_leaves_no_history(barometer, mayor):
    rate(mayor, barometer, MUNICIPALITY, {"26": Score.BEGUN})
    assert rate(mayor, barometer, MUNICIPALITY, {"26": Score.BEGUN}) == []

    assert Rating.objects.get().history.count() == 1


def test_another_member_of_the_same_side_changes_the_sides_rating(barometer, mayor, group):
    from .conftest import member_of

    first, second = member_of(group, "a@example.org"), member_of(group, "b@example.org")
    rate(first, barometer, CIVIL_SOCIETY, {"26": Score.BEGUN})
    rate(second, barometer, CIVIL_SOCIETY, {"26": Score.ON_TRACK})

    rating = Rating.objects.get()
    assert (rating.score, rating.author) == (Score.ON_TRACK, second)


def on_day(message, day):
    """A message naming a day, as French users read it."""
    with translation.override("fr"):
        return gettext(message) % {"date": formats.date_format(day, "DATE_FORMAT")}


def test_refused_before_the_opening_and_after_the_closing(barometer, mayor):
    with pytest.raises(BarometerError) as raised:
        rate(mayor, barometer, MUNICIPALITY, {"26": Score.BEGUN}, on=barometer.opens_on - timedelta(days=1))
    assert str(raised.value) == on_day("This barometer opens on %(date)s.", barometer.opens_on)
    rate(mayor, barometer, MUNICIPALITY, {"26": Score.BEGUN})

    with pytest.raises(BarometerError) as raised:
        rate(
            mayor,
            barometer,
            MUNICIPALITY,
            {"26": Score.FULLY_DONE},
            on=barometer.closes_on + timedelta(days=1),
        )
    assert str(raised.value) == on_day(
        "This barometer closed on %(date)s: its ratings no longer change.", barometer.closes_on
    )
    assert Rating.objects.get().score == Score.BEGUN


def test_items_of_another_framework_are_not_in_this_barometer(barometer, mayor):
    commit("1", slug=EGM)

    answers = {item("26").pk: Answer(Score.BEGUN), item("1", EGM).pk: Answer(Score.BEGUN)}
    with pytest.raises(BarometerError):
        services.ratings_save(
            barometer=barometer, commune=commune(), user=mayor, voice=MUNICIPALITY, answers=answers
        )
    assert not Rating.objects.exists()
