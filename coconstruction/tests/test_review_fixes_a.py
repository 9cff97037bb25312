"""Regression tests of the review's findings 1, 2, 3, 6, 10, 11, 12 and 13: a closed working
group's meetings and discussions, members-only names, reminders of a moved meeting, double
submits, Paris's changes of time, a meeting turned members-only, one writing of times."""

import copy
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db.models import QuerySet
from django.utils import timezone, translation
from icalendar import Calendar

from coconstruction.forms.meetings import MeetingForm
from coconstruction.models import (
    Comment,
    Committee,
    CommitteeMember,
    Meeting,
    MeetingNotice,
    Participation,
    Registration,
    Thread,
    WorkingGroup,
    WorkingGroupMember,
)
from coconstruction.queries import committees as committee_queries
from coconstruction.services import discussions as discussion_services
from coconstruction.services import meetings as meeting_services
from coconstruction.services import workgroups as services
from coconstruction.templatetags.meetings import paris_time
from coconstruction.withdrawals import send as send_withdrawn
from tests.support import browser, make_user
from tests.test_emails import MISSING, problems

from .conftest import make_meeting
from .workgroups_support import add_member, fr, make_working_group

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def marked_templates(settings):
    """A variable a template asks and its context lacks shows as a marker."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = MISSING
    settings.TEMPLATES = templates
    settings.SITE_URL = "https://hospitalite.example.org"


@pytest.fixture
def local_group(group, coordinator, member):
    """An open, public working group of « Accueil Saint-Denis », with Awa as member."""
    working_group = make_working_group(coordinator, organization=group)
    add_member(working_group, member)
    return working_group


@pytest.fixture
def private_group(committee, mayor, member):
    """A members-only working group of the committee, by invitation, with Awa as member."""
    working_group = make_working_group(
        mayor,
        committee=committee,
        name="Accueil des mineurs",
        access=WorkingGroup.Access.INVITATION,
        visibility=WorkingGroup.Visibility.MEMBERS,
    )
    add_member(working_group, member)
    return working_group


def close(group, user, capture):
    with capture(execute=True):
        return services.working_group_close(group=group, user=user, conclusion="Fini.", version=None)


def ongoing_meeting(group):
    """A meeting of the group that started half an hour ago (closing does not cancel it)."""
    start = timezone.now() - timedelta(minutes=30)
    return Meeting.objects.create(
        working_group=group,
        title="En cours",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Ici",
    )


# 1 and 10: closing a working group ---------------------------------------------------------------


def test_closing_cancels_the_meetings_to_come_and_tells_their_people(
    local_group, coordinator, passerby, django_capture_on_commit_callbacks
):
    to_come = make_meeting(working_group=local_group, title="Atelier logement", place="Mairie")
    Registration.objects.create(meeting=to_come, user=passerby)
    started = ongoing_meeting(local_group)
    mail.outbox.clear()
    close(local_group, coordinator, django_capture_on_commit_callbacks)
    to_come.refresh_from_db()
    started.refresh_from_db()
    assert to_come.is_cancelled and to_come.cancelled_reason == "Le chantier est clos."
    assert to_come.sequence == 1
    assert not started.is_cancelled  # it has begun: it keeps its minutes to come
    told = {message.to[0]: message for message in mail.outbox}
    assert {"passant@example.org", "awa@example.org", "fatou@example.org"} <= set(told)
    message = told["passant@example.org"]
    assert "Réunion annulée\u00a0: Atelier logement" in message.subject
    assert "Motif\u00a0: Le chantier est clos." in message.body
    assert not problems(message)


def test_a_closed_group_s_meeting_takes_no_registration(local_group, coordinator, passerby, client):
    started = ongoing_meeting(local_group)
    services.working_group_close(group=local_group, user=coordinator, conclusion="Fini.", version=None)
    with pytest.raises(
        meeting_services.MeetingError, match=fr("This working group is closed: registrations are closed.")
    ):
        meeting_services.registration_create(meeting=started, user=passerby)
    assert not Registration.objects.filter(meeting=started).exists()


def test_registered_people_write_nothing_in_a_closed_group_s_discussions(
    local_group, coordinator, member, passerby
):
    started = ongoing_meeting(local_group)
    Registration.objects.create(meeting=started, user=passerby)
    on_meeting = discussion_services.thread_start(
        subject=Thread(meeting=started), user=passerby, title="Covoiturage", text="Qui part de la gare ?"
    )
    on_group = discussion_services.thread_start(
        subject=Thread(working_group=local_group), user=member, title="Idées", text="Une idée."
    )
    services.working_group_close(group=local_group, user=coordinator, conclusion="Fini.", version=None)
    started = Meeting.objects.select_related("working_group").get(pk=started.pk)
    meeting_thread = Thread.objects.select_related("meeting__working_group").get(pk=on_meeting.thread_id)
    group_thread = Thread.objects.select_related("working_group").get(pk=on_group.thread_id)
    # The rules say no (the registration no longer lets anyone through)…
    assert not passerby.has_perm("coconstruction.add_thread", Thread(meeting=started))
    assert not passerby.has_perm("coconstruction.comment_thread", meeting_thread)
    assert not passerby.has_perm("coconstruction.change_comment", Comment.objects.get(pk=on_meeting.pk))
    assert not member.has_perm("coconstruction.change_comment", Comment.objects.get(pk=on_group.pk))
    # …and so do the services, whoever calls them.
    with pytest.raises(discussion_services.DiscussionError):
        discussion_services.thread_start(
            subject=Thread(meeting=started), user=passerby, title="Encore", text="?"
        )
    for thread, user in ((meeting_thread, passerby), (group_thread, member)):
        with pytest.raises(discussion_services.DiscussionError, match="Ce chantier est clos"):
            discussion_services.comment_post(thread=thread, user=user, text="Encore un mot.")
        comment = Comment.objects.select_related("thread").get(thread=thread)
        comment.thread = thread
        with pytest.raises(discussion_services.DiscussionError, match="Ce chantier est clos"):
            discussion_services.comment_edit(comment=comment, user=user, text="Corrigé.")
    assert Comment.objects.count() == 2


def test_a_committee_meeting_stays_open_to_its_registered_people(meeting, passerby):
    Registration.objects.create(meeting=meeting, user=passerby)
    assert passerby.has_perm("coconstruction.add_thread", Thread(meeting=meeting))


# 2: members-only names -------------------------------------------------------------------------


def test_an_invited_person_sees_no_members_only_meeting_of_the_group(private_group, mayor, member, passerby):
    make_meeting(working_group=private_group, title="Réunion secrète", visibility=Meeting.Visibility.MEMBERS)
    make_meeting(working_group=private_group, title="Réunion ouverte")
    WorkingGroupMember.objects.create(
        working_group=private_group, user=passerby, status=WorkingGroupMember.Status.INVITED
    )
    invited_page = browser(passerby).get(private_group.get_absolute_url()).content.decode()
    assert "Réunion ouverte" in invited_page and "Réunion secrète" not in invited_page
    for insider in (member, mayor):
        assert "Réunion secrète" in browser(insider).get(private_group.get_absolute_url()).content.decode()


def test_the_committee_page_lists_members_only_groups_to_who_may_see_them(
    committee, private_group, mayor, member, moderator
):
    plain = make_user("simple@example.org", display_name="Simple Membre")
    CommitteeMember.objects.create(committee=committee, user=plain, status=Participation.ACCEPTED)
    url = f"/communes/{committee.commune.code}/comite/"
    assert "Accueil des mineurs" not in browser(plain).get(url).content.decode()
    assert committee_queries.working_groups(committee, plain) == []
    for viewer in (member, mayor, moderator):
        assert "Accueil des mineurs" in browser(viewer).get(url).content.decode()


# 3: a moved meeting is reminded again -----------------------------------------------------------


def _fields(meeting, **changes):
    fields = {name: getattr(meeting, name) for name in meeting_services.FIELDS}
    fields.update(changes)
    return fields


def test_moving_a_meeting_lets_its_reminder_go_again(meeting, mayor):
    meeting.reminder_sent_at = timezone.now()
    meeting.save()
    meeting_services.meeting_update(meeting=meeting, user=mayor, **_fields(meeting, title="Nouveau titre"))
    meeting.refresh_from_db()
    assert meeting.reminder_sent_at is not None  # the same day: no second reminder
    later = meeting.starts_at + timedelta(days=2)
    meeting_services.meeting_update(
        meeting=meeting, user=mayor, **_fields(meeting, starts_at=later, ends_at=later + timedelta(hours=2))
    )
    meeting.refresh_from_db()
    assert meeting.reminder_sent_at is None


# 6: double submits -------------------------------------------------------------------------------


@pytest.fixture
def locked(monkeypatch):
    """The models whose rows a service locked (select_for_update), in order."""
    models = []
    original = QuerySet.select_for_update

    def spy(self, *args, **kwargs):
        models.append(self.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    return models


def test_a_working_group_sent_twice_is_created_once(committee, group, coordinator, mayor, locked):
    first = make_working_group(mayor, committee=committee, name="Logement")
    again = make_working_group(mayor, committee=committee, name=" Logement ")
    assert again == first and WorkingGroup.objects.filter(name="Logement").count() == 1
    assert locked[:1] == [Committee]
    locked.clear()
    ours = make_working_group(coordinator, organization=group, name="Logement")
    assert ours != first and locked[0].__name__ == "Organization"
    assert make_working_group(coordinator, organization=group, name="Logement") == ours


def test_scheduling_locks_the_body_before_looking_for_its_twin(committee, mayor, locked):
    start = timezone.now() + timedelta(days=10)
    fields = {
        "title": "Comité",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "place": "Mairie",
        "video_url": "",
        "agenda": "",
        "visibility": "public",
        "capacity": None,
    }
    first = meeting_services.meeting_create(user=mayor, committee=committee, **fields)
    assert locked[0] is Committee
    assert meeting_services.meeting_create(user=mayor, committee=committee, **fields) == first


# 11: Paris's changes of time --------------------------------------------------------------------


def form(**fields):
    data = {
        "title": "Comité",
        "date": "2027-03-28",
        "start_time": "18:00",
        "end_time": "20:00",
        "place": "Mairie",
        "visibility": "public",
    }
    data.update(fields)
    return MeetingForm(data, now=datetime(2027, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize("field", ["start_time", "end_time"])
def test_a_time_the_clocks_skip_is_refused_in_french(field):
    times = (
        {"start_time": "02:30", "end_time": "03:30"}
        if field == "start_time"
        else {"start_time": "01:00", "end_time": "02:15"}
    )
    bound = form(**times)
    with translation.override("fr"):
        assert not bound.is_valid()
        assert bound.errors[field] == [
            "Cette heure n’existe pas à Paris ce jour-là\u00a0: on passe directement de 2\u00a0h\u00a000 "
            "à 3\u00a0h\u00a000 (heure d’été). Choisissez une autre heure."
        ]
    assert form(start_time="03:00", end_time="04:00").is_valid()


def test_the_hour_that_happens_twice_is_its_first_one(committee, mayor):
    bound = form(date="2027-10-31", start_time="02:30", end_time="04:00")
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["starts_at"].astimezone(UTC) == datetime(
        2027, 10, 31, 0, 30, tzinfo=UTC
    )  # UTC+2
    # A meeting at the second 02:30 (UTC+1) keeps it when its form is sent back unchanged.
    second = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    meeting = make_meeting(committee, title="Nuit", place="Mairie")
    meeting.starts_at, meeting.ends_at = second, second + timedelta(hours=1, minutes=30)
    meeting.save()
    edited = MeetingForm(
        {**MeetingForm.values_of(meeting), "date": "2027-10-31", "start_time": "02:30", "end_time": "04:00"},
        meeting=meeting,
        now=datetime(2027, 1, 1, tzinfo=UTC),
    )
    assert edited.is_valid(), edited.errors
    assert edited.cleaned_data["starts_at"] == second


# 12: a meeting turned members-only ---------------------------------------------------------------


def test_turning_a_meeting_members_only_cancels_and_tells_the_others(
    meeting, mayor, member, passerby, django_capture_on_commit_callbacks
):
    for user in (member, passerby):
        Registration.objects.create(meeting=meeting, user=user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_update(
            meeting=meeting, user=mayor, **_fields(meeting, visibility=Meeting.Visibility.MEMBERS)
        )
    assert Registration.objects.get(meeting=meeting, user=passerby).cancelled_at is not None
    assert Registration.objects.get(meeting=meeting, user=member).cancelled_at is None
    [withdrawn] = [message for message in mail.outbox if message.to == ["passant@example.org"]]
    assert withdrawn.subject.endswith(
        "Réunion qui ne vous est plus ouverte\u00a0: Comité de suivi, " + paris_time(meeting.starts_at)
    )
    assert "est désormais réservée aux membres du comité." in withdrawn.body
    assert "Votre inscription est donc annulée." in withdrawn.body
    assert not problems(withdrawn)
    [(_name, content, _type)] = withdrawn.attachments
    calendar = Calendar.from_ical(content)
    [event] = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert "la réunion est désormais réservée aux membres" in str(event["DESCRIPTION"])
    # Told once, even when the task runs again; and nothing to who may see it again.
    mail.outbox.clear()
    assert send_withdrawn(meeting_id=meeting.pk, user_ids=[passerby.pk], sequence=meeting.sequence) == 0
    assert MeetingNotice.objects.filter(meeting=meeting, user=passerby, change="cancelled").count() == 1
    assert not mail.outbox


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_withdrawn_email_of_a_working_group_s_meeting(local_group, coordinator, passerby, language):
    passerby.language = language
    passerby.save()
    group_meeting = make_meeting(working_group=local_group, title="Atelier", place="Mairie")
    group_meeting.visibility = Meeting.Visibility.MEMBERS
    group_meeting.save()
    assert send_withdrawn(meeting_id=group_meeting.pk, user_ids=[passerby.pk], sequence=1) == 1
    [message] = mail.outbox
    assert not problems(message), message.body
    assert "Accès au logement" in message.body


# 13: one writing of times ------------------------------------------------------------------------


def test_meeting_times_are_written_the_same_way_everywhere(committee, local_group, mayor, client):
    start = datetime(2030, 12, 10, 18, 0, tzinfo=PARIS)
    Meeting.objects.create(
        committee=committee,
        title="Comité",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Mairie",
    )
    Meeting.objects.create(
        working_group=local_group,
        title="Atelier",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Ici",
    )
    text = "mardi 10 décembre 2030 à 18 h 00"
    pages = {
        "commune": client.get("/communes/93066/"),
        "committee": client.get("/communes/93066/comite/"),
        "group": client.get(local_group.get_absolute_url()),
    }
    for name, response in pages.items():
        page = response.content.decode()
        assert text in page, name
        assert "18:00" not in page, name
    with translation.override("fr"), timezone.override("America/Montreal"):
        assert paris_time(start.astimezone(UTC)) == text
