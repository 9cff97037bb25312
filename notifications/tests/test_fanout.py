"""An update, once published, is told to the followers of its commune, of its item and of
its local group: once per person, never to its authors, never while it is a draft."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from followup import services as followup
from followup.events import EVENT
from followup.models import Update, Voice
from moderation import services as moderation
from notifications import delivery, services
from notifications.models import Notification, Preference
from tests.support import make_partner_coordinator

from .conftest import commune, follower, item

pytestmark = pytest.mark.django_db


def told(update):
    return set(
        Notification.objects.filter(event=EVENT, object_id=update.pk).values_list("user__email", flat=True)
    )


def test_followers_of_the_commune_the_item_and_the_group_are_told_once_each(
    committed, mayor, member, group, publish
):
    follower("commune@example.org", commune("93066"))
    follower("engagement@example.org", item("26"))
    follower("groupe@example.org", group)
    follower("tout@example.org", commune("93066"), item("26"), group)
    follower("ailleurs@example.org", commune("01001"), item("01"))

    by_mayor = publish(mayor)
    by_group = publish(member, voice=Voice.CIVIL_SOCIETY)

    everyone = {"commune@example.org", "engagement@example.org", "tout@example.org"}
    assert told(by_mayor) == everyone
    assert told(by_group) == everyone | {"groupe@example.org"}
    assert Notification.objects.filter(user__email="tout@example.org").count() == 2  # one per event
    assert all(row.commune.code == "93066" for row in Notification.objects.all())


def test_the_author_is_never_told_of_their_own_update(committed, mayor, publish):
    services.follow(user=mayor, target=commune("93066"))
    follower("voisine@example.org", commune("93066"))

    assert told(publish(mayor)) == {"voisine@example.org"}


def test_the_item_is_followed_in_every_commune(committed, mayor, other_mayor, publish):
    follower("engagement@example.org", item("26"))

    assert told(publish(other_mayor, commune_code="01001")) == {"engagement@example.org"}
    assert told(publish(mayor, code="01")) == set()


def test_a_joint_statement_is_told_when_cosigned_not_when_drafted(
    committed, mayor, member, group, django_capture_on_commit_callbacks
):
    follower("commune@example.org", commune("93066"))
    services.follow(user=mayor, target=group)
    with django_capture_on_commit_callbacks(execute=True):
        draft = followup.joint_statement_draft(
            commune=commune("93066"), item=item("26"), user=mayor, voice=Voice.MUNICIPALITY, text="Accord."
        )
    assert told(draft) == set()

    with django_capture_on_commit_callbacks(execute=True):
        followup.joint_statement_cosign(update=draft, user=member, versions={})

    # The co-signer's group is followed by the drafter: a drafter is an author all the same.
    assert told(draft) == {"commune@example.org"}


def test_nothing_is_told_before_the_commit(committed, mayor, django_capture_on_commit_callbacks):
    follower("commune@example.org", commune("93066"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        from followup.tests.helpers import post

        post(mayor, item("26"), Voice.MUNICIPALITY)

    assert len(callbacks) == 1
    assert Notification.objects.count() == 0


def test_a_fan_out_run_twice_tells_nobody_twice(committed, mayor, publish, mailoutbox):
    follower("commune@example.org", commune("93066"), frequency=Preference.Frequency.IMMEDIATE)
    update = publish(mayor)
    arguments = {
        "event": EVENT,
        "object_id": update.pk,
        "commune_id": update.commune_id,
        "item_ids": [update.item_id],
        "group_ids": [],
        "author_ids": [mayor.pk],
    }

    assert delivery.fan_out(**arguments) == 1

    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1  # the email at once went with the first run only


def test_the_fan_out_reads_followers_by_pages(committed, mayor, publish, monkeypatch):
    monkeypatch.setattr(delivery, "CHUNK", 2)
    for number in range(5):
        follower(f"f{number}@example.org", commune("93066"))

    assert len(told(publish(mayor))) == 5


class QueuedTasks:
    """A task backend's queue, as the worker has not run it yet."""

    def __init__(self):
        self.calls = []

    def enqueue(self, **arguments):
        self.calls.append(arguments)


def test_an_update_hidden_before_the_emails_are_built_is_told_to_nobody(
    committed, mayor, publish, mailoutbox, monkeypatch
):
    follower("hebdo@example.org", commune("93066"))
    follower("vite@example.org", commune("93066"), frequency=Preference.Frequency.IMMEDIATE)
    queued = QueuedTasks()
    monkeypatch.setattr("notifications.tasks.send_event", queued)
    update = publish(mayor)
    moderation.content_hide(
        content=Update.objects.get(pk=update.pk),
        moderator=make_partner_coordinator("moderation@egm.example.org"),
        reason="Données personnelles",
    )
    mailoutbox.clear()  # the author is told why

    assert [delivery.send_event(**arguments) for arguments in queued.calls] == [0]
    assert (
        delivery.send_digest(user_id=Notification.objects.get(user__email="hebdo@example.org").user_id) == 0
    )
    assert mailoutbox == []
    assert not Notification.objects.filter(sent_at__isnull=True).exists()  # done with: nothing to tell


def test_an_unknown_event_is_refused_at_once(committed, mayor):
    with pytest.raises(ImproperlyConfigured):
        services.notify("nothing.here", mayor)
