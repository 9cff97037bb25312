"""The emails about a meeting: invitations, updates, cancellations (with an .ics), the
day-before reminder (manage.py meeting_reminders); each person once per change."""

import copy
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation
from icalendar import Calendar

from coconstruction import notices
from coconstruction.models import Meeting, MeetingNotice, Registration, WorkingGroup, WorkingGroupMember
from core.emails import email_send
from tests.support import make_user
from tests.test_emails import MISSING, problems

from .conftest import make_meeting

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
def december_meeting(committee):
    start = datetime(2027, 12, 7, 18, 0, tzinfo=PARIS)
    return Meeting.objects.create(
        committee=committee,
        title="Comité de suivi",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Salle du conseil, hôtel de ville",
        video_url="https://visio.example.org/comite",
        agenda="1. Accueil des nouveaux membres\n2. Point sur la mesure 26",
    )


def by_recipient():
    return {message.to[0]: message for message in mail.outbox}


def ics_of(message):
    [(filename, content, mimetype)] = message.attachments
    assert filename == "invitation.ics" and mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def clean(messages):
    for message in messages:
        assert not problems(message), (message.subject, problems(message), message.body)


def test_the_paris_date_in_french():
    with translation.override("fr"):
        assert notices.when_text(datetime(2027, 12, 7, 17, 0, tzinfo=ZoneInfo("UTC"))) == (
            "mardi 7 décembre 2027 à 18 h 00"
        )
        assert notices.when_text(datetime(2027, 6, 1, 9, 30, tzinfo=PARIS)) == "mardi 1er juin 2027 à 9 h 30"


def test_an_invitation_goes_to_every_member_once_in_french_with_an_ics(
    december_meeting, coordinator, member, mayor, outsider
):
    assert notices.send(meeting_id=december_meeting.pk, change="created", sequence=0) == 3
    sent = by_recipient()
    assert set(sent) == {coordinator.email, member.email, mayor.email}
    clean(sent.values())
    message = sent[member.email]
    assert message.subject.endswith("Invitation\u00a0: Comité de suivi, mardi 7 décembre 2027 à 18 h 00")
    body = message.body
    assert body.startswith("Bonjour Awa Koné,")
    assert "Vous êtes invité·e à une réunion du comité de suivi de Saint-Denis (93)\u00a0:" in body
    assert "Quand\u00a0: mardi 7 décembre 2027 à 18 h 00 (jusqu’à 20 h 00)" in body
    assert "Où\u00a0: Salle du conseil, hôtel de ville" in body
    assert "Lien de visioconférence\u00a0: https://visio.example.org/comite" in body
    assert "2. Point sur la mesure 26" in body
    assert f"https://hospitalite.example.org{december_meeting.get_absolute_url()}" in body
    assert "https://hospitalite.example.org/compte/agenda/" in body
    calendar = ics_of(message)
    assert str(calendar["METHOD"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"{december_meeting.uid}@hospitalite.example.org"
    assert str(event["ATTENDEE"]) == f"mailto:{member.email}"
    assert event["DTSTART"].dt == december_meeting.starts_at
    december_meeting.refresh_from_db()
    assert december_meeting.invitations_sent_at is not None
    # Run again (a task run twice): nobody is told twice.
    mail.outbox.clear()
    assert notices.send(meeting_id=december_meeting.pk, change="created", sequence=0) == 0
    assert mail.outbox == []


def test_meeting_changed_queues_the_task(december_meeting, django_capture_on_commit_callbacks):
    notices.meeting_changed(december_meeting, "created")  # the immediate backend runs it at once
    assert len(mail.outbox) == 3
    with pytest.raises(ValueError):
        notices.meeting_changed(december_meeting, "moved")


def test_an_update_is_told_once_per_sequence_and_newcomers_get_an_invitation(
    december_meeting, member, passerby
):
    notices.send(meeting_id=december_meeting.pk, change="created", sequence=0)
    mail.outbox.clear()
    december_meeting.starts_at += timedelta(hours=1)
    december_meeting.ends_at += timedelta(hours=1)
    december_meeting.sequence = 1
    december_meeting.save()
    Registration.objects.create(meeting=december_meeting, user=passerby)
    assert notices.send(meeting_id=december_meeting.pk, change="updated", sequence=1) == 4
    sent = by_recipient()
    clean(sent.values())
    assert (
        "Réunion modifiée\u00a0: Comité de suivi, mardi 7 décembre 2027 à 19 h 00"
        in sent[member.email].subject
    )
    assert "a changé. La voici telle qu’elle est désormais prévue\u00a0:" in sent[member.email].body
    [event] = ics_of(sent[member.email]).walk("VEVENT")
    assert event["SEQUENCE"] == 1
    # The registered person had never been told: an invitation.
    assert "Invitation\u00a0:" in sent[passerby.email].subject
    mail.outbox.clear()
    assert notices.send(meeting_id=december_meeting.pk, change="updated", sequence=1) == 0
    # A stale update (a later one is on its way) tells nothing.
    assert notices.send(meeting_id=december_meeting.pk, change="updated", sequence=0) == 0
    assert mail.outbox == []


def test_a_cancellation_carries_method_cancel(december_meeting, member):
    notices.send(meeting_id=december_meeting.pk, change="created", sequence=0)
    mail.outbox.clear()
    december_meeting.status = Meeting.Status.CANCELLED
    december_meeting.cancelled_reason = "Salle indisponible"
    december_meeting.sequence = 1
    december_meeting.save()
    assert notices.send(meeting_id=december_meeting.pk, change="cancelled", sequence=1) == 3
    message = by_recipient()[member.email]
    clean([message])
    assert "Réunion annulée\u00a0: Comité de suivi, mardi 7 décembre 2027 à 18 h 00" in message.subject
    assert "prévue le mardi 7 décembre 2027 à 18 h 00, est annulée." in message.body
    assert "Motif\u00a0: Salle indisponible" in message.body
    calendar = ics_of(message)
    assert str(calendar["METHOD"]) == "CANCEL"
    [event] = calendar.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 1
    # An invitation queued before the cancellation tells nothing once it runs.
    mail.outbox.clear()
    assert notices.send(meeting_id=december_meeting.pk, change="updated", sequence=1) == 0


def test_members_only_meetings_go_to_insiders_only(committee, member, outsider, passerby):
    meeting = make_meeting(committee, visibility=Meeting.Visibility.MEMBERS)
    Registration.objects.create(meeting=meeting, user=outsider)
    notices.send(meeting_id=meeting.pk, change="created", sequence=0)
    assert outsider.email not in by_recipient() and member.email in by_recipient()


def test_registered_people_of_a_public_meeting_are_told_in_their_language(committee, meeting):
    english = make_user("guest@example.org", display_name="Guest", language="en")
    Registration.objects.create(meeting=meeting, user=english)
    cancelled = make_user("gone@example.org", display_name="Gone")
    Registration.objects.create(meeting=meeting, user=cancelled, cancelled_at=timezone.now())
    notices.send(meeting_id=meeting.pk, change="created", sequence=0)
    sent = by_recipient()
    assert cancelled.email not in sent
    message = sent[english.email]
    clean([message])
    assert "Invitation: Comité de suivi" in message.subject
    assert message.body.startswith("Hello Guest,")
    assert "of the follow-up committee of Saint-Denis (93):" in message.body


def test_a_working_group_meeting_goes_to_its_active_members(committee, member, passerby, outsider):
    group = WorkingGroup.objects.create(committee=committee, name="Chantier logement", purpose="Loger")
    WorkingGroupMember.objects.create(working_group=group, user=passerby)
    WorkingGroupMember.objects.create(
        working_group=group, user=outsider, status=WorkingGroupMember.Status.LEFT
    )
    meeting = make_meeting(working_group=group, title="Atelier")
    notices.send(meeting_id=meeting.pk, change="created", sequence=0)
    sent = by_recipient()
    assert list(sent) == [passerby.email]
    clean(sent.values())
    assert "une réunion du chantier «\u00a0Chantier logement\u00a0»\u00a0:" in sent[passerby.email].body


def test_every_email_in_both_languages_has_no_empty_placeholder(december_meeting, member):
    december_meeting.place = ""
    december_meeting.agenda = ""
    december_meeting.save()
    for language in ("fr", "en"):
        member.language = language
        for change in ("created", "updated", "cancelled", "reminder"):
            notices.tell(december_meeting, member, change, "https://hospitalite.example.org")
            december_meeting.sequence += 1
    assert len(mail.outbox) == 8
    clean(mail.outbox)


# Reminders -------------------------------------------------------------------------------------


def run_reminders(*args):
    out = io.StringIO()
    call_command("meeting_reminders", *args, stdout=out)
    return out.getvalue()


def test_the_reminder_goes_once_the_day_before(committee, coordinator, member, mayor, passerby):
    tomorrow = make_meeting(committee, title="Demain", days=1)
    make_meeting(committee, title="Dans trois jours", days=3)
    make_meeting(committee, title="Annulée", days=1, status=Meeting.Status.CANCELLED)
    now = timezone.now()
    if not (notices.REMIND_FROM <= tomorrow.starts_at - now < notices.REMIND_UNTIL):
        tomorrow.starts_at = now + timedelta(hours=20)
        tomorrow.ends_at = tomorrow.starts_at + timedelta(hours=2)
        tomorrow.save()
    Registration.objects.create(meeting=tomorrow, user=passerby)
    output = run_reminders()
    assert "[1/1] Demain" in output and "reminder queued" in output
    sent = by_recipient()
    assert set(sent) == {coordinator.email, member.email, mayor.email, passerby.email}
    clean(sent.values())
    assert sent[member.email].subject.endswith(f"Rappel\u00a0: Demain, {notices_when(tomorrow)}")
    assert "Pour rappel, le comité de suivi de Saint-Denis (93) se réunit bientôt." in sent[member.email].body
    tomorrow.refresh_from_db()
    assert tomorrow.reminder_sent_at is not None
    mail.outbox.clear()
    assert "No meeting to remind of." in run_reminders()
    assert mail.outbox == []


def notices_when(meeting):
    with translation.override("fr"):
        return notices.when_text(meeting.starts_at)


def test_a_claimed_reminder_is_never_sent_twice(committee):
    meeting = make_meeting(committee, days=1)
    assert notices.claim_reminder(meeting)
    assert not notices.claim_reminder(meeting)
    assert MeetingNotice.objects.count() == 0


def test_a_dry_run_claims_nothing(committee):
    meeting = make_meeting(committee, days=1)
    meeting.starts_at = timezone.now() + timedelta(hours=20)
    meeting.ends_at = meeting.starts_at + timedelta(hours=1)
    meeting.save()
    assert "would remind" in run_reminders("--dry-run")
    meeting.refresh_from_db()
    assert meeting.reminder_sent_at is None and mail.outbox == []


# core.emails: attachments ----------------------------------------------------------------------


def test_email_send_carries_attachments(december_meeting, member):
    ics = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    email_send(
        template="coconstruction/emails/meeting_created",
        to=member,
        context=notices.context(december_meeting, member, "https://hospitalite.example.org"),
        attachments=[("a.ics", ics, "text/calendar")],
    )
    [message] = mail.outbox
    assert message.attachments == [("a.ics", ics, "text/calendar")]
