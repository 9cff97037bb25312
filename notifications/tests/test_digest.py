"""The weekly digest: `send_digests` queues one email per person with everything not told
yet, grouped by commune, in their language; nothing is told twice; a run that crashed
resumes with what was not sent."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import ngettext

from notifications import delivery
from notifications.models import CLAIM_TIMEOUT, Notification, Preference

from .conftest import commune, follower, item

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(committed, mayor, other_mayor, publish):
    """Three updates in two communes; three weekly followers."""
    follower("ines@example.org", commune("93066"), commune("01001"))
    follower("jules@example.org", item("26"), language="en")
    follower("karim@example.org", commune("01001"))
    publish(mayor, text="Premier point")
    publish(mayor, code="01", text="Deuxième point")
    publish(other_mayor, commune_code="01001", text="Troisième point")


def fr_plural(singular, plural, counter):
    """A plural message as French users see it."""
    with translation.override("fr"):
        return ngettext(singular, plural, counter) % {"counter": counter}


def digests(mailoutbox):
    return {message.to[0]: message for message in mailoutbox}


def run_digests():
    call_command("send_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_one_email_per_person_with_all_their_events_grouped_by_commune(week, mailoutbox):
    run_digests()

    sent = digests(mailoutbox)
    assert sorted(sent) == ["ines@example.org", "jules@example.org", "karim@example.org"]
    ines = sent["ines@example.org"].body
    assert ines.index("== L'Abergement-Clémenciat (01) ==") < ines.index("== Saint-Denis (93) ==")
    assert ines.index("Premier point") < ines.index("Deuxième point")  # by date within a commune
    assert ines.count("https://hospitalite.example.org/communes/") == 3
    assert sent["ines@example.org"].subject == "[Hospitalité] " + fr_plural(
        "What you follow: %(counter)s new update this week",
        "What you follow: %(counter)s new updates this week",
        3,
    )
    assert "Troisième point" in sent["karim@example.org"].body
    assert "Premier point" not in sent["karim@example.org"].body
    jules = sent["jules@example.org"]
    assert "Here are the 2 updates posted this week on what you follow" in jules.body
    assert "Deuxième point" not in jules.body  # item 01: not followed
    assert re.search(r"^List-Unsubscribe", str(jules.message()), re.M)
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_running_it_again_the_same_week_sends_nothing(week, mayor, publish, mailoutbox):
    run_digests()
    mailoutbox.clear()
    publish(mayor, text="Après le résumé")

    run_digests()

    assert mailoutbox == []
    # Next week's digest tells what came since, and only that.
    Preference.objects.update(last_digest_at=timezone.now() - timedelta(days=7))
    run_digests()
    assert sorted(digests(mailoutbox)) == ["ines@example.org", "jules@example.org"]
    assert all("Premier point" not in message.body for message in mailoutbox)
    assert all("Après le résumé" in message.body for message in mailoutbox)


def test_a_run_that_crashed_resumes_with_the_emails_not_sent(week, mailoutbox, monkeypatch):
    send = delivery.EmailMultiAlternatives.send

    def failing_for_jules(message, fail_silently=False):
        if message.to == ["jules@example.org"]:
            raise ConnectionError("SMTP server down")
        return send(message, fail_silently)

    monkeypatch.setattr(delivery.EmailMultiAlternatives, "send", failing_for_jules)
    run_digests()
    monkeypatch.undo()
    assert sorted(digests(mailoutbox)) == ["ines@example.org", "karim@example.org"]
    mailoutbox.clear()

    run_digests()

    assert sorted(digests(mailoutbox)) == ["jules@example.org"]


def test_a_claim_left_by_a_dead_worker_is_given_up_after_a_while(week, mailoutbox):
    Notification.objects.filter(user__email="ines@example.org").update(claimed_at=timezone.now())
    Notification.objects.filter(user__email="karim@example.org").update(
        claimed_at=timezone.now() - CLAIM_TIMEOUT - timedelta(minutes=1)
    )

    run_digests()

    assert sorted(digests(mailoutbox)) == ["jules@example.org", "karim@example.org"]


def test_a_long_week_tells_the_latest_and_counts_the_others(week, mailoutbox, monkeypatch):
    monkeypatch.setattr(delivery, "DIGEST_MAX", 2)

    run_digests()

    ines = digests(mailoutbox)["ines@example.org"].body
    assert "Premier point" not in ines
    assert (
        fr_plural(
            "And %(counter)s more update: see the follow-up boards of what you follow.",
            "And %(counter)s more updates: see the follow-up boards of what you follow.",
            1,
        )
        in ines
    )
    assert not Notification.objects.filter(user__email="ines@example.org", sent_at__isnull=True).exists()


def test_the_command_reads_people_by_pages(week, mailoutbox, monkeypatch):
    monkeypatch.setattr(delivery, "CHUNK", 1)

    run_digests()

    assert len(mailoutbox) == 3


def test_old_sent_notifications_are_forgotten(week):
    run_digests()
    Notification.objects.filter(user__email="karim@example.org").update(
        sent_at=timezone.now() - delivery.KEEP_SENT - timedelta(days=1)
    )

    run_digests()

    assert not Notification.objects.filter(user__email="karim@example.org").exists()
    assert Notification.objects.filter(user__email="ines@example.org").count() == 3
