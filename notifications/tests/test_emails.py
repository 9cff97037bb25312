"""The email at once: one per event, in the follower's language, with the update's link and
an unsubscribe link that needs no sign-in (also in the List-Unsubscribe header)."""

import re

import pytest
from django.utils.text import capfirst

from followup.events import EVENT
from followup.models import Voice
from followup.tests.helpers import fr
from notifications import delivery
from notifications.models import Notification, Preference

from .conftest import commune, follower, item

pytestmark = pytest.mark.django_db

IMMEDIATE = Preference.Frequency.IMMEDIATE
SITE = "https://hospitalite.example.org"
PLACEHOLDERS = re.compile(r"%\(|\{\{|\{%|\bNone\b|\[\]")


def no_placeholder(message):
    for text in (message.subject, message.body):
        assert not PLACEHOLDERS.search(text), text


def test_a_french_follower_is_told_at_once_in_french(committed, mayor, publish, mailoutbox):
    follower("vite@example.org", commune("93066"), frequency=IMMEDIATE)

    update = publish(mayor, text="Le lieu d’accueil **ouvre** en mai.", status="in_progress", progress=40)

    [message] = mailoutbox
    assert message.to == ["vite@example.org"]
    kind = capfirst(fr("municipality's report"))
    title = fr("%(kind)s on “%(item)s”", kind=kind, item=f"26. {item('26').title}")
    assert message.subject == "[Hospitalité] " + fr("%(name)s: %(title)s", name="Saint-Denis", title=title)
    assert "Bonjour," in message.body
    assert (
        fr("New in the follow-up of the commitments of %(name)s (%(code)s):", name="Saint-Denis", code="93")
        in message.body
    )
    assert title in message.body
    assert "Nadia Adjointe" in message.body
    assert "Le lieu d’accueil ouvre en mai." in message.body  # Markdown as plain text
    assert fr("Status: %(state)s.", state="en cours, 40 %") in message.body
    assert f"{SITE}/communes/93066/suivi/mises-a-jour/{update.pk}/" in message.body
    unsubscribe = re.search(rf"{SITE}/desabonnement/[A-Za-z0-9_-]{{43}}/", message.body).group(0)
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert fr("Stop all these emails (no sign-in needed):") + " " + unsubscribe in message.body
    assert f"{SITE}/abonnements/" in message.body
    no_placeholder(message)


def test_an_english_follower_is_told_in_english(committed, member, publish, mailoutbox):
    follower("fast@example.org", item("26"), frequency=IMMEDIATE, language="en")

    publish(member, voice=Voice.CIVIL_SOCIETY, text="The shelter opens in May.")

    [message] = mailoutbox
    assert "Civil society's assessment on “26." in message.subject
    assert message.subject.startswith("[Hospitalité] Saint-Denis: ")
    assert "Hello," in message.body
    assert "New in the follow-up of the commitments of Saint-Denis (93):" in message.body
    assert "Awa (Accueil Saint-Denis)" in message.body
    assert "The shelter opens in May." in message.body
    assert "Stop all these emails (no sign-in needed):" in message.body
    assert "Bonjour" not in message.body
    no_placeholder(message)


def test_weekly_followers_get_nothing_at_once(committed, mayor, publish, mailoutbox):
    follower("hebdo@example.org", commune("93066"))

    publish(mayor)

    assert mailoutbox == []
    assert Notification.objects.filter(user__email="hebdo@example.org", sent_at__isnull=True).count() == 1


def test_an_event_is_emailed_once(committed, mayor, publish, mailoutbox):
    user = follower("vite@example.org", commune("93066"), item("26"), frequency=IMMEDIATE)
    update = publish(mayor)

    assert delivery.send_event(user_id=user.pk, event=EVENT, object_id=update.pk) == 0
    assert delivery.send_digest(user_id=user.pk) == 0
    assert len(mailoutbox) == 1


def test_a_failed_email_is_given_back_to_the_queue(committed, mayor, publish, mailoutbox, monkeypatch):
    user = follower("vite@example.org", commune("93066"), frequency=IMMEDIATE)

    def broken(self, fail_silently=False):
        raise ConnectionError("SMTP server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    update = publish(mayor)  # the task fails (the immediate backend records the failure)
    monkeypatch.undo()

    row = Notification.objects.get(user=user)
    assert (row.claimed_at, row.sent_at) == (None, None)
    assert delivery.send_event(user_id=user.pk, event=EVENT, object_id=update.pk) == 1
    assert len(mailoutbox) == 1
