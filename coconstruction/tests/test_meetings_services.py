"""Meetings' writes: scheduling (Paris time), editing (sequence, version), cancelling,
registrations within the capacity, minutes with attendance counts, decisions on the
commune's committed items."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from coconstruction import notices
from coconstruction.forms.meetings import MeetingForm, MinutesForm
from coconstruction.models import Decision, Meeting, Registration, WorkingGroup
from coconstruction.services import meetings as services
from coconstruction.services.meetings import MeetingError
from core.concurrency import ConcurrentEdit
from followup.tests.helpers import fr, item

from .conftest import make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(monkeypatch):
    """The notices sent (meeting, change), instead of the calendars' emails."""
    calls = []
    monkeypatch.setattr(
        notices, "meeting_changed", lambda meeting, change: calls.append((meeting.pk, change))
    )
    return calls


def refused(message, **params):
    return pytest.raises(
        MeetingError, match="^" + fr(message, **params).replace("(", r"\(").replace(")", r"\)")
    )


def form_data(**fields):
    data = {
        "title": "Comité de suivi n° 1",
        "date": "2027-01-12",
        "start_time": "18:00",
        "end_time": "20:00",
        "place": "Salle du conseil",
        "video_url": "",
        "agenda": "1. Mesure 26",
        "visibility": "public",
        "capacity": "30",
    }
    data.update(fields)
    return data


NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


# Paris time --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [("2027-01-12", 17), ("2027-06-15", 16)],
    ids=["winter", "summer"],
)
def test_a_meeting_at_18_paris_is_stored_in_utc(committee, mayor, told, day, utc_hour):
    form = MeetingForm(form_data(date=day), now=NOW)
    assert form.is_valid(), form.errors
    meeting = services.meeting_create(user=mayor, committee=committee, now=NOW, **form.arguments())
    meeting.refresh_from_db()
    assert meeting.starts_at.astimezone(UTC).hour == utc_hour
    assert meeting.ends_at - meeting.starts_at == timedelta(hours=2)
    assert MeetingForm.values_of(meeting)["start_time"].strftime("%H:%M") == "18:00"


def test_the_form_says_what_is_wrong_in_french(settings):
    settings.LANGUAGE_CODE = "fr"
    form = MeetingForm(form_data(end_time="17:00", place=""), now=NOW)
    assert not form.is_valid()
    assert form.errors["end_time"] == [fr("The meeting must end after it starts: check the end time.")]
    assert form.errors["place"] == [fr("Give a place, a video link, or both.")]
    past = MeetingForm(form_data(date="2026-11-30"), now=NOW)
    assert not past.is_valid()
    assert past.errors["date"] == [fr("This date and time are past: choose a moment to come.")]
    assert "Lien" not in str(
        MeetingForm(form_data(place="", video_url="https://visio.example.org/c"), now=NOW).errors
    )


# Scheduling, editing, cancelling ------------------------------------------------------------------


def test_scheduling_tells_the_calendars_once_committed(
    committee, mayor, told, django_capture_on_commit_callbacks
):
    form = MeetingForm(form_data(), now=NOW)
    assert form.is_valid()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_create(user=mayor, committee=committee, now=NOW, **form.arguments())
    assert told == [(meeting.pk, "created")]
    assert meeting.created_by == mayor and meeting.sequence == 0


def test_a_double_submit_schedules_one_meeting(committee, mayor, told):
    form = MeetingForm(form_data(), now=NOW)
    assert form.is_valid()
    first = services.meeting_create(user=mayor, committee=committee, now=NOW, **form.arguments())
    again = services.meeting_create(user=mayor, committee=committee, now=NOW, **form.arguments())
    assert again == first
    assert Meeting.objects.count() == 1


def test_the_service_refuses_a_past_meeting_and_no_place(committee, mayor, told):
    form = MeetingForm(form_data(), now=NOW)
    assert form.is_valid()
    later = NOW + timedelta(days=60)
    with refused("This date and time are past: choose a moment to come."):
        services.meeting_create(user=mayor, committee=committee, now=later, **form.arguments())
    with refused("Give a place, a video link, or both."):
        services.meeting_create(user=mayor, committee=committee, now=NOW, **{**form.arguments(), "place": ""})


def _values(meeting, **changes):
    values = MeetingForm.values_of(meeting)
    form = MeetingForm({**values, **changes, "capacity": changes.get("capacity", values["capacity"] or "")})
    assert form.is_valid(), form.errors
    return form.arguments()


def test_an_edit_moves_the_sequence_on_and_tells(meeting, mayor, told, django_capture_on_commit_callbacks):
    before = meeting.updated_at
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(
            meeting=meeting,
            user=mayor,
            version=meeting.version,
            **_values(meeting, place="Maison des associations"),
        )
    meeting.refresh_from_db()
    assert meeting.place == "Maison des associations"
    assert meeting.sequence == 1 and meeting.updated_at > before
    assert told == [(meeting.pk, "updated")]


def test_an_edit_without_change_tells_nobody(meeting, mayor, told, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=meeting, user=mayor, version=meeting.version, **_values(meeting))
    meeting.refresh_from_db()
    assert meeting.sequence == 0 and told == []


def test_an_edit_on_an_old_version_is_refused(meeting, mayor, told):
    stale = meeting.version
    services.meeting_update(
        meeting=meeting, user=mayor, version=stale, **_values(meeting, title="Autre titre")
    )
    with pytest.raises(ConcurrentEdit):
        services.meeting_update(
            meeting=Meeting.objects.get(pk=meeting.pk), user=mayor, version=stale, **_values(meeting)
        )


def test_cancelling_needs_a_reason_and_keeps_the_meeting(
    meeting, mayor, told, django_capture_on_commit_callbacks
):
    with refused("Say why the meeting is cancelled: the people invited will read it."):
        services.meeting_cancel(meeting=meeting, user=mayor, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(
            meeting=meeting, user=mayor, reason="Salle indisponible", version=meeting.version
        )
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.cancelled_reason == "Salle indisponible"
    assert meeting.sequence == 1
    assert told == [(meeting.pk, "cancelled")]
    with refused("This meeting is already cancelled."):
        services.meeting_cancel(meeting=meeting, user=mayor, reason="Encore")
    with refused("This meeting is cancelled: it can no longer be changed."):
        services.meeting_update(meeting=meeting, user=mayor, **_values(meeting))


# Registrations ------------------------------------------------------------------------------------


def test_a_full_meeting_refuses_one_more(committee, member, passerby, outsider, told):
    meeting = make_meeting(committee, place="Mairie", capacity=2)
    services.registration_create(meeting=meeting, user=member)
    services.registration_create(meeting=meeting, user=passerby)
    with refused("This meeting is full: there is no place left."):
        services.registration_create(meeting=meeting, user=outsider)
    services.registration_cancel(meeting=meeting, user=passerby)
    services.registration_create(meeting=meeting, user=outsider)
    assert Registration.objects.filter(meeting=meeting, cancelled_at__isnull=True).count() == 2


def test_registering_twice_makes_one_registration(meeting, passerby):
    first = services.registration_create(meeting=meeting, user=passerby)
    again = services.registration_create(meeting=meeting, user=passerby)
    assert again.pk == first.pk
    services.registration_cancel(meeting=meeting, user=passerby)
    services.registration_cancel(meeting=meeting, user=passerby)  # nothing to cancel: no error
    back = services.registration_create(meeting=meeting, user=passerby)
    assert back.pk == first.pk and back.is_active
    assert Registration.objects.filter(meeting=meeting).count() == 1


def test_no_registration_to_a_cancelled_or_past_meeting(committee, meeting, mayor, passerby, told):
    past = make_meeting(committee, days=-3, place="Mairie")
    with refused("This meeting is over: registrations are closed."):
        services.registration_create(meeting=past, user=passerby)
    services.meeting_cancel(meeting=meeting, user=mayor, reason="Grève")
    with refused("This meeting is cancelled: registrations are closed."):
        services.registration_create(meeting=meeting, user=passerby)


def test_the_capacity_cannot_go_below_the_registrations(meeting, mayor, member, passerby, told):
    services.registration_create(meeting=meeting, user=member)
    services.registration_create(meeting=meeting, user=passerby)
    with pytest.raises(MeetingError, match="^2 personnes sont déjà inscrites\u00a0: le nombre de places"):
        services.meeting_update(meeting=meeting, user=mayor, **_values(meeting, capacity="1"))


# Minutes and decisions ----------------------------------------------------------------------------


def _minutes(meeting, **fields):
    form = MinutesForm({"minutes": "Nous avons décidé.", **fields}, meeting=None)
    assert form.is_valid(), form.errors
    return form.arguments()


def test_minutes_wait_for_the_meeting(meeting, mayor):
    with refused("The minutes are written once the meeting has started."):
        services.minutes_save(meeting=meeting, user=mayor, **_minutes(meeting))


def test_minutes_with_attendance_counts_are_published(committee, mayor):
    past = make_meeting(committee, days=-1, place="Mairie")
    services.minutes_save(
        meeting=past,
        user=mayor,
        version=past.version,
        **_minutes(
            past, publish="on", attended_elected="3", attended_lived_experience="4", attended_staff="0"
        ),
    )
    past.refresh_from_db()
    assert past.minutes_published_at is not None
    assert (past.attended_elected, past.attended_staff, past.attended_lived_experience) == (3, 0, 4)
    assert past.attended_residents is None
    assert [count for _label, count in past.attendance()] == [3, 0, 4]


def test_attendance_counts_are_not_negative(settings):
    settings.LANGUAGE_CODE = "fr"
    form = MinutesForm({"minutes": "", "attended_residents": "-2"})
    assert not form.is_valid()
    assert form.errors["attended_residents"] == [fr("A count of people is a whole number, 0 or more.")]


def test_publishing_needs_minutes(committee, mayor):
    past = make_meeting(committee, days=-1, place="Mairie")
    with refused("Write the minutes before publishing them."):
        services.minutes_save(meeting=past, user=mayor, minutes=" ", attendance={}, publish=True)


def test_a_decision_on_a_committed_item(committed, committee, mayor):
    past = make_meeting(committee, days=-1, place="Mairie")
    decision = services.decision_add(
        meeting=past, user=mayor, item=item("26"), text="Ouvrir un lieu d’accueil."
    )
    assert decision.commune == committee.commune and decision.created_by == mayor
    again = services.decision_add(meeting=past, user=mayor, item=item("26"), text="Ouvrir un lieu d’accueil.")
    assert again.pk == decision.pk and Decision.objects.count() == 1
    with refused("Choose one of the items the commune committed to for the mandate."):
        services.decision_add(meeting=past, user=mayor, item=item("02"), text="Hors engagement.")
    with refused("Write what was decided."):
        services.decision_add(meeting=past, user=mayor, item=item("26"), text="")


def test_no_decision_for_a_group_without_a_commune(committed, group, coordinator):
    working_group = WorkingGroup.objects.create(
        organization=group, name="Hébergement", purpose="Trouver des toits."
    )
    past = make_meeting(working_group=working_group, days=-1, place="Local")
    with refused(
        "This working group belongs to no commune's committee: its meetings record no decision on commitments."
    ):
        services.decision_add(meeting=past, user=coordinator, item=item("26"), text="Décidé.")


def test_a_committee_group_decides_for_its_commune(committed, committee, coordinator):
    working_group = WorkingGroup.objects.create(
        committee=committee, name="Accueil", purpose="Le lieu d’accueil."
    )
    past = make_meeting(working_group=working_group, days=-1, place="Local")
    decision = services.decision_add(
        meeting=past, user=coordinator, item=item("26"), text="Visiter Montreuil."
    )
    assert decision.commune == committee.commune


def test_times_are_now_aware():
    assert timezone.is_aware(NOW)


def test_the_personal_data_export_lists_meetings_and_decisions(committed, committee, mayor, passerby):
    from coconstruction.personal_data import export

    past = make_meeting(committee, days=-1, place="Mairie", created_by=mayor)
    services.decision_add(meeting=past, user=mayor, item=item("26"), text="Ouvrir le lieu.")
    services.registration_create(meeting=make_meeting(committee, place="Mairie"), user=passerby)
    data = export(mayor)
    assert [row["meeting"] for row in data["coconstruction_meetings_scheduled"]] == ["Comité de suivi"]
    assert data["coconstruction_decisions"] == [
        {"meeting": "Comité de suivi", "item": "26", "text": "Ouvrir le lieu."}
    ]
    assert len(export(passerby)["coconstruction_registrations"]) == 1
