"""Discussions: mentions, who writes where, double submits, replies and quotes, the edit
window, closing."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from coconstruction import mentions
from coconstruction.models import (
    Comment,
    Meeting,
    Mention,
    Registration,
    Thread,
    WorkingGroup,
    WorkingGroupMember,
)
from coconstruction.queries.discussions import subject_of
from coconstruction.services import discussions as services
from followup.tests.helpers import item
from tests.support import make_user

from .conftest import make_meeting

pytestmark = pytest.mark.django_db


class Person:
    def __init__(self, pk, display_name):
        self.pk, self.display_name = pk, display_name


AWA, AWA_KONE, LEA = Person(1, "Awa"), Person(2, "Awa Koné"), Person(3, "Léa Passante")


# Mentions (pure) -------------------------------------------------------------------------


def test_a_mention_takes_the_longest_name_ignoring_case_and_accents():
    people = [AWA, AWA_KONE, LEA]
    assert mentions.mentioned("Merci @awa kone pour le compte rendu", people) == [AWA_KONE]
    assert mentions.mentioned("Merci @Awa, et @LEA PASSANTE.", people) == [AWA, LEA]
    assert mentions.mentioned("@Awa Konéx n'est personne", people) == [AWA]


def test_an_email_address_or_an_unknown_name_is_no_mention():
    assert mentions.mentioned("Écrire à contact@Awa.org ou @Paul", [AWA]) == []


def test_homonyms_are_all_named_once():
    other = Person(4, "AWA KONÉ")
    assert mentions.mentioned("@Awa Koné et encore @awa koné", [AWA_KONE, other]) == [AWA_KONE, other]


def test_a_mention_is_highlighted_in_the_sanitised_markdown():
    html = mentions.render("Bonjour **@awa koné** <script>x</script> et @Awa Koné", [AWA_KONE])
    assert '<strong><strong class="mention">@awa koné</strong></strong>' in html
    assert 'et <strong class="mention">@Awa Koné</strong>' in html
    assert "<script>" not in html


def test_private_use_markers_typed_by_someone_are_dropped():
    html = mentions.render("a\ue0000\ue001b @Awa", [AWA])
    assert "\ue000" not in html and "a0b" in html and 'class="mention">@Awa<' in html


# Who writes ------------------------------------------------------------------------------


@pytest.fixture
def subject(committee, committed, saint_denis):
    return subject_of(commune=saint_denis, item=item("26"))


def start(subject, user, text="Où en est la domiciliation ?", **fields):
    fields.setdefault("submission_key", uuid.uuid4())
    return services.thread_start(subject=subject, user=user, title="Domiciliation", text=text, **fields)


def test_the_commune_voices_and_the_committee_members_write_on_an_item(
    subject, mayor, member, coordinator, outsider, passerby, moderator
):
    for user in (mayor, member, coordinator):
        assert user.has_perm("coconstruction.add_thread", subject)
    for user in (outsider, passerby, moderator):
        assert not user.has_perm("coconstruction.add_thread", subject)
    passerby_member = make_user("comite@example.org", display_name="Membre du comité")
    subject.commune.committee.members.create(user=passerby_member, status="accepted")
    assert passerby_member.has_perm("coconstruction.add_thread", subject)


def test_everyone_reads_an_item_discussion(subject, mayor, passerby):
    thread = start(subject, mayor).thread
    assert passerby.has_perm("coconstruction.view_thread", thread)


def test_a_meeting_discussion_is_written_by_insiders_and_registered_people(
    committee, member, passerby, outsider
):
    meeting = make_meeting(committee)
    subject = subject_of(meeting=meeting)
    assert member.has_perm("coconstruction.add_thread", subject)
    assert passerby.has_perm("coconstruction.view_thread", subject)
    assert not passerby.has_perm("coconstruction.add_thread", subject)
    Registration.objects.create(meeting=meeting, user=passerby)
    assert passerby.has_perm("coconstruction.add_thread", subject)
    meeting.visibility = Meeting.Visibility.MEMBERS
    assert not outsider.has_perm("coconstruction.view_thread", subject)


def test_a_closed_working_group_takes_no_discussion(committee, member, coordinator):
    group = WorkingGroup.objects.create(committee=committee, name="Domiciliation", purpose="Avancer.")
    WorkingGroupMember.objects.create(working_group=group, user=member)
    subject = subject_of(working_group=group)
    assert member.has_perm("coconstruction.add_thread", subject)
    assert not coordinator.has_perm("coconstruction.add_thread", subject)  # not a member
    thread = services.thread_start(subject=subject, user=member, title="Calendrier", text="Proposition.")
    group.closed_at = timezone.now()
    group.save()
    thread = Thread.objects.get(pk=thread.thread_id)
    assert not member.has_perm("coconstruction.add_thread", subject_of(working_group=group))
    assert not member.has_perm("coconstruction.comment_thread", thread)
    assert member.has_perm("coconstruction.view_thread", thread)
    with pytest.raises(services.DiscussionError, match="Ce chantier est clos"):
        services.thread_start(subject=subject_of(working_group=group), user=member, title="x", text="y")


# Writing ---------------------------------------------------------------------------------


def test_a_double_submit_writes_one_comment(subject, mayor):
    key = uuid.uuid4()
    first = start(subject, mayor, submission_key=key)
    again = start(subject, mayor, submission_key=key)
    assert again == first
    assert Thread.objects.count() == 1 and Comment.objects.count() == 1
    reply = services.comment_post(thread=first.thread, user=mayor, text="Et ?", submission_key=key)
    assert reply == first  # the key names the comment already written


def test_a_reply_stays_one_level_deep_and_a_quote_is_kept(subject, mayor, member):
    first = start(subject, mayor)
    reply = services.comment_post(thread=first.thread, user=member, text="Oui", parent_id=first.pk)
    deeper = services.comment_post(
        thread=first.thread, user=mayor, text="Bien", parent_id=reply.pk, quoted_id=reply.pk
    )
    assert reply.parent == first and deeper.parent == first and deeper.quoted == reply


def test_a_reply_to_another_discussion_is_refused(subject, mayor):
    first = start(subject, mayor)
    other = start(subject, mayor, text="Autre")
    with pytest.raises(services.DiscussionError) as error:
        services.comment_post(thread=first.thread, user=mayor, text="x", parent_id=other.pk)
    assert str(error.value) == "Le commentaire auquel vous répondez n’appartient pas à cette discussion."


def test_mentions_name_people_who_may_read_the_discussion(subject, mayor, member, coordinator):
    comment = start(subject, mayor, text="@Awa Koné et @fatou diallo, et moi-même @Nadia Adjointe")
    assert set(Mention.objects.filter(comment=comment).values_list("user", flat=True)) == {
        member.pk,
        coordinator.pk,
    }


def test_nobody_outside_a_members_only_meeting_is_mentioned(committee, member, outsider):
    meeting = make_meeting(committee, visibility=Meeting.Visibility.MEMBERS)
    Registration.objects.create(meeting=meeting, user=outsider)  # registered while it was public
    comment = services.thread_start(
        subject=subject_of(meeting=meeting), user=member, title="Ordre du jour", text="@Paul Loin ?"
    )
    assert not comment.mentions.exists()


def test_a_comment_is_edited_within_the_window_only(subject, mayor, member):
    comment = start(subject, mayor)
    services.comment_edit(comment=comment, user=mayor, text="Corrigé, @Awa Koné")
    comment.refresh_from_db()
    assert comment.edited_at is not None and comment.text == "Corrigé, @Awa Koné"
    assert list(comment.mentions.values_list("user", flat=True)) == [member.pk]
    later = comment.created_at + timedelta(minutes=16)
    with translation.override("fr"), pytest.raises(services.DiscussionError) as error:
        services.comment_edit(comment=comment, user=mayor, text="Trop tard", now=later)
    assert str(error.value) == (
        "Un commentaire peut être modifié pendant 15 minutes après sa publication : "
        "celui-ci ne peut plus l’être."
    )


def test_closing_keeps_the_summary_and_stops_comments(subject, mayor, member, coordinator, passerby):
    thread = start(subject, member).thread
    assert member.has_perm("coconstruction.close_thread", thread)  # who started it
    assert mayor.has_perm("coconstruction.close_thread", thread)  # a decider of the commune
    assert not passerby.has_perm("coconstruction.close_thread", thread)
    services.thread_close(thread=thread, user=coordinator, summary="Nous écrivons au CCAS.")
    thread.refresh_from_db()
    assert thread.is_closed and thread.summary == "Nous écrivons au CCAS." and thread.closed_by == coordinator
    assert not member.has_perm("coconstruction.comment_thread", thread)
    assert not mayor.has_perm("coconstruction.close_thread", thread)
    with pytest.raises(services.DiscussionError):
        services.comment_post(thread=thread, user=member, text="Encore")
    with pytest.raises(services.DiscussionError):
        services.thread_close(thread=thread, user=mayor, summary="Deux fois")
