"""`notify(…, recipients=…)`: people named by the event's app (a discussion's participants,
the people a comment mentions) are told besides the followers: once each, never its
authors, never a deactivated account."""

import pytest

from followup.events import EVENT
from notifications import delivery, services, tasks
from notifications.models import Notification, Preference

from .conftest import commune, follower
from .test_fanout import QueuedTasks

pytestmark = pytest.mark.django_db


def told(update):
    return sorted(
        Notification.objects.filter(event=EVENT, object_id=update.pk).values_list("user__email", flat=True)
    )


def test_recipients_are_told_besides_the_followers_once_each(committed, mayor, publish, mailoutbox):
    update = publish(mayor)
    both = follower("both@example.org", commune("93066"), frequency=Preference.Frequency.IMMEDIATE)
    named = follower("named@example.org", frequency=Preference.Frequency.IMMEDIATE)
    gone = follower("gone@example.org", is_active=False)
    mailoutbox.clear()

    people = delivery.fan_out(
        event=EVENT,
        object_id=update.pk,
        commune_id=update.commune_id,
        item_ids=[],
        group_ids=[],
        author_ids=[mayor.pk],
        recipient_ids=[both.pk, named.pk, gone.pk, mayor.pk],
    )

    assert people == 2
    assert told(update) == ["both@example.org", "named@example.org"]
    assert sorted(message.to[0] for message in mailoutbox) == ["both@example.org", "named@example.org"]


def test_notify_passes_the_recipients_to_the_task(committed, mayor, publish, monkeypatch):
    update = publish(mayor)
    named = follower("named@example.org")
    queued = QueuedTasks()
    monkeypatch.setattr(tasks, "fan_out", queued)

    services.notify(EVENT, update, authors=[mayor], recipients=[named, None, named.pk])

    calls = queued.calls
    assert calls[0]["recipient_ids"] == [named.pk] and calls[0]["commune_id"] is None


def test_recipients_are_read_by_pages(committed, mayor, publish, monkeypatch):
    update = publish(mayor)
    monkeypatch.setattr(delivery, "CHUNK", 2)
    people = [follower(f"r{number}@example.org") for number in range(5)]

    delivery.fan_out(
        event=EVENT,
        object_id=update.pk,
        commune_id=None,
        item_ids=[],
        group_ids=[],
        author_ids=[],
        recipient_ids=[person.pk for person in people],
    )

    assert len(told(update)) == 5
