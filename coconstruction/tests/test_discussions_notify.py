"""What people are told of discussions: the people a comment mentions and the discussion's
participants, through the follow-up's preferences (at once or the weekly digest); never
the author, never twice, never someone who may not see the discussion."""

import pytest
from django.core import mail

from coconstruction.models import Meeting, Registration
from coconstruction.queries.discussions import subject_of
from coconstruction.services import discussions as services
from coconstruction.services.discussion_notices import COMMENT, MENTION
from followup.tests.helpers import item
from moderation import services as moderation
from notifications import delivery
from notifications import services as notifications
from notifications.models import Notification, Preference

from .conftest import make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://hospitalite.example.org"
    settings.LANGUAGE_CODE = "fr"


@pytest.fixture
def write(django_capture_on_commit_callbacks):
    """Run a service as the application does, and what waits for its commit (the task that
    tells people, then the fan-out and the immediate emails of the test task backend)."""

    def run(action, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(**kwargs)

    return run


def at_once(*users):
    for user in users:
        notifications.preference_set(user=user, frequency=Preference.Frequency.IMMEDIATE)


def told(event, comment):
    return set(
        Notification.objects.filter(event=event, object_id=comment.pk).values_list("user__email", flat=True)
    )


@pytest.fixture
def started(committee, committed, saint_denis, mayor, write):
    return write(
        services.thread_start,
        subject=subject_of(commune=saint_denis, item=item("26")),
        user=mayor,
        title="Domiciliation",
        text="Où en sommes-nous ?",
    )


def test_a_mention_tells_the_member_at_once_in_french(started, member, coordinator, write):
    at_once(member)
    mail.outbox.clear()
    comment = write(
        services.comment_post, thread=started.thread, user=coordinator, text="@Awa Koné, peux-tu regarder ?"
    )
    assert told(MENTION, comment) == {"awa@example.org"}
    assert told(COMMENT, comment) == {"adjointe@saint-denis.example.org"}  # who started it
    assert Notification.objects.filter(user=member).count() == 1  # not told twice
    [email] = [message for message in mail.outbox if message.to == ["awa@example.org"]]
    assert "Fatou Diallo vous a mentionné·e dans « Domiciliation »" in email.subject
    assert "https://hospitalite.example.org/discussions/commentaires/" in email.body
    assert "peux-tu regarder" in email.body


def test_the_participants_are_told_of_a_new_comment_never_its_author(
    started, member, mayor, coordinator, write
):
    at_once(mayor, member)
    write(services.comment_post, thread=started.thread, user=member, text="Je m’en occupe.")
    mail.outbox.clear()
    comment = write(services.comment_post, thread=started.thread, user=mayor, text="Merci à toutes.")
    assert told(COMMENT, comment) == {"awa@example.org"}
    assert told(MENTION, comment) == set()
    assert [message.to for message in mail.outbox] == [["awa@example.org"]]
    assert "Nouveau commentaire dans « Domiciliation »" in mail.outbox[0].subject


def test_the_author_mentioning_themself_is_not_told(started, mayor, write):
    comment = write(services.comment_post, thread=started.thread, user=mayor, text="Moi, @Nadia Adjointe.")
    assert told(MENTION, comment) == set() and not comment.mentions.exists()


def test_nobody_who_may_not_see_a_members_only_meeting_is_told(
    committee, member, coordinator, outsider, write
):
    meeting = make_meeting(committee)
    Registration.objects.create(meeting=meeting, user=outsider)
    first = write(
        services.thread_start,
        subject=subject_of(meeting=meeting),
        user=outsider,
        title="Accès",
        text="Où est la salle ?",
    )
    Meeting.objects.filter(pk=meeting.pk).update(visibility=Meeting.Visibility.MEMBERS)
    first.thread.meeting.refresh_from_db()
    comment = write(
        services.comment_post,
        thread=first.thread,
        user=coordinator,
        text="@Paul Loin, @Awa Koné : au 2e étage.",
    )
    assert told(MENTION, comment) == {"awa@example.org"}
    assert told(COMMENT, comment) == set()  # the outsider started it, but may no longer see it


def test_an_edit_tells_only_the_people_newly_named(started, member, coordinator, mayor, write):
    comment = write(services.comment_post, thread=started.thread, user=mayor, text="Voir avec @Awa Koné")
    write(services.comment_edit, comment=comment, user=mayor, text="Voir avec @Awa Koné et @Fatou Diallo")
    assert told(MENTION, comment) == {"awa@example.org", "fatou@example.org"}
    assert Notification.objects.filter(user=member).count() == 1


def test_a_comment_hidden_before_the_digest_is_not_told(started, member, coordinator, moderator, write):
    comment = write(services.comment_post, thread=started.thread, user=coordinator, text="@Awa Koné regarde")
    moderation.content_hide(content=comment, moderator=moderator, reason="Erreur")
    mail.outbox.clear()
    delivery.send_digest(user_id=member.pk)
    assert mail.outbox == []


def test_the_weekly_digest_tells_the_mention(started, member, coordinator, write):
    write(services.comment_post, thread=started.thread, user=coordinator, text="@Awa Koné regarde")
    mail.outbox.clear()
    assert delivery.send_digest(user_id=member.pk) == 1
    assert "Fatou Diallo vous a mentionné·e dans «\u00a0Domiciliation\u00a0»" in mail.outbox[0].body
