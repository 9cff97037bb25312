"""The barometer's reminders (manage.py barometer_reminders): the day it opens and a week
before it closes, one email per person who may answer for a commune whose voice has not
rated all its items, in the person's language, with a link to the form; nobody whose side
already answered; nothing sent twice."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, translation

from accounts.models import User
from actors.models import Organization
from followup.barometer import reminders
from followup.models import BarometerReminder, Score
from tests.support import make_group, make_user

from .conftest import member_of, verified_contact
from .helpers import commit, commune, fr
from .test_barometer_support import CIVIL_SOCIETY, MUNICIPALITY, open_barometer, rate

pytestmark = pytest.mark.django_db

SITE = "https://hospitalite.example.org"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def barometer(committed):
    return open_barometer()


def run(day):
    out = StringIO()
    call_command("barometer_reminders", date=day.isoformat(), stdout=out)
    return out.getvalue()


def sent_to():
    return sorted(address for message in mail.outbox for address in message.to)


def test_everyone_who_may_answer_is_reminded_when_it_opens(barometer, mayor, member, group):
    mail.outbox.clear()
    report = run(barometer.opens_on)

    assert sent_to() == sorted([mayor.email, member.email, "fondatrice@example.org"])
    assert "opening: sent 3 email(s)" in report
    assert BarometerReminder.objects.filter(kind="opening").count() == 3
    to_mayor = next(message for message in mail.outbox if mayor.email in message.to)
    assert (
        f"{SITE}/communes/93066/suivi/barometre/{barometer.framework_slug}/{barometer.year}/municipalite/"
        in (to_mayor.body)
    )
    assert "societe-civile" not in to_mayor.body


def test_a_second_run_the_same_day_sends_nothing(barometer, mayor, member):
    run(barometer.opens_on)
    mail.outbox.clear()

    report = run(barometer.opens_on)

    assert mail.outbox == []
    assert "sent 0 email(s)" in report


def test_nothing_on_other_days(barometer, mayor):
    mail.outbox.clear()
    assert "no barometer" in run(barometer.opens_on + timedelta(days=1))
    assert mail.outbox == []


def test_a_week_before_closing_only_those_who_have_not_answered(barometer, mayor, member, group):
    rate(member, barometer, CIVIL_SOCIETY, {"26": Score.BEGUN, "01": Score.BEGUN, "B": Score.ON_TRACK})
    rate(mayor, barometer, MUNICIPALITY, {"26": Score.BEGUN})  # one item of three
    other_mayor_of_93066 = verified_contact(make_user("elu@saint-denis.example.org"), "93066")
    mail.outbox.clear()

    run(barometer.closes_on - timedelta(days=7))

    # Civil society answered every item: none of its members is reminded (the group's
    # founder neither); the municipality did not: both its verified contacts are.
    assert sent_to() == sorted([mayor.email, other_mayor_of_93066.email])
    assert BarometerReminder.objects.filter(kind="closing").count() == 2


def test_whoever_answered_everything_gets_no_reminder(barometer, mayor, member):
    rate(mayor, barometer, MUNICIPALITY, {"26": Score.BEGUN, "01": Score.BEGUN, "B": Score.BEGUN})
    rate(member, barometer, CIVIL_SOCIETY, {"26": Score.BEGUN, "01": Score.BEGUN, "B": Score.BEGUN})
    mail.outbox.clear()

    run(barometer.opens_on)

    assert mail.outbox == []


def test_groups_that_do_not_follow_the_commune_are_not_reminded(barometer, other_member, pending_member):
    hidden = make_group("Groupe masqué", coordinator=make_user("masque@example.org"))
    Organization.objects.filter(pk=hidden.pk).update(hidden_at=barometer.created_at)
    mail.outbox.clear()

    run(barometer.opens_on)

    assert not {other_member.email, pending_member.email, "masque@example.org"} & set(sent_to())


def test_a_group_of_a_wider_territory_is_reminded_of_each_commune_once(committed, mayor):
    commit("26", code="93001")  # Aubervilliers, in the same department
    department = Organization.objects.create(
        name="Collectif de Seine-Saint-Denis",
        slug="collectif-93",
        kind=Organization.Kind.LOCAL_GROUP,
        group_type=Organization.GroupType.OTHER,
        scale=Organization.Scale.DEPARTMENT,
        department_id=commune("93066").department_id,
        status=Organization.Status.VALIDATED,
    )
    member = member_of(department, "dep@example.org", language="en")
    barometer = open_barometer()
    mail.outbox.clear()

    run(barometer.opens_on)

    [message] = [message for message in mail.outbox if member.email in message.to]
    assert message.body.count("/societe-civile/") == 2
    assert "/communes/93001/" in message.body and "/communes/93066/" in message.body


def test_emails_in_french_and_english_without_empty_placeholders(barometer, group):
    french = member_of(group, "fr@example.org", language="fr", display_name="Camille")
    english = member_of(group, "en@example.org", language="en", display_name="Sam")
    mail.outbox.clear()

    run(barometer.closes_on - timedelta(days=7))

    by_address = {message.to[0]: message for message in mail.outbox}
    fr_mail, en_mail = by_address[french.email], by_address[english.email]
    assert "Hello Sam," in en_mail.body
    assert f"The barometer {barometer.year} of “Pacte pour la Transition” closes on" in en_mail.body
    assert fr("Hello %(name)s,", name="Camille") in fr_mail.body
    with translation.override("fr"):
        french_day = formats.date_format(barometer.closes_on, "DATE_FORMAT")
    with translation.override("en"):
        english_day = formats.date_format(barometer.closes_on, "DATE_FORMAT")
    assert french_day in fr_mail.body and french_day in fr_mail.subject
    assert english_day in en_mail.body and english_day != french_day
    for message in (fr_mail, en_mail):
        text = message.subject + "\n" + message.body
        assert "Pacte" in message.subject and str(barometer.year) in message.subject
        assert not re.search(r"\{\{|\{%|%\(|\(\)|“”|for the :|^- ,|^  $", text, re.M), text
        assert f"{SITE}/communes/93066/suivi/barometre/" in message.body
        assert f"{SITE}{barometer.get_absolute_url()}" in message.body


def test_the_recipients_are_found_in_a_fixed_number_of_queries(barometer, mayor, member):
    def counted():
        with CaptureQueriesContext(connection) as captured:
            found = reminders.recipients(barometer, BarometerReminder.Kind.OPENING)
        return len(captured), {recipient.user for recipient in found}

    few, found = counted()
    assert found == {mayor, member, User.objects.get(email="fondatrice@example.org")}
    for code in ("93001", "93008", "01001"):
        commit("26", "01", code=code)
        verified_contact(make_user(f"mairie-{code}@example.org"), code)
    many, found = counted()
    assert many == few and len(found) == 6


def test_the_command_needs_the_sites_address(settings, barometer):
    settings.SITE_URL = ""
    with pytest.raises(CommandError):
        run(barometer.opens_on)


def test_a_dry_run_sends_and_records_nothing(barometer, mayor):
    mail.outbox.clear()
    out = StringIO()
    call_command("barometer_reminders", date=barometer.opens_on.isoformat(), dry_run=True, stdout=out)

    assert "would send 1 email(s)" in out.getvalue()
    assert mail.outbox == [] and not BarometerReminder.objects.exists()


def test_a_commitment_declared_elsewhere_counts_like_one_signed_here(db):
    from datetime import date

    from commitments.models import Declaration, DeclarationItem

    from .helpers import framework, item

    declaration = Declaration.objects.create(
        commune=commune("93001"),
        framework=framework(),
        committed_on=date(2026, 5, 1),
        committed_by=Declaration.CommittedBy.COUNCIL,
        declared_as=Declaration.Capacity.MUNICIPALITY,
        deliberation_reference="2026-12",
    )
    DeclarationItem.objects.create(declaration=declaration, item=item("26"))
    contact = verified_contact(make_user("mairie-93001@example.org"), "93001")
    barometer = open_barometer()

    assert reminders.expected_counts(barometer) == {commune("93001").pk: 1}
    mail.outbox.clear()
    run(barometer.opens_on)
    assert sent_to() == [contact.email]
