"""Meetings' pages: scheduling by the deciders, the page (Paris time, registrations,
privacy of members-only meetings), edit, cancellation, minutes and decisions, and the
decisions in the item's follow-up timeline; in French, in a constant number of queries."""

import re
from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coconstruction import notices
from coconstruction.models import Decision, Meeting, Registration, WorkingGroup, WorkingGroupMember
from coconstruction.services import meetings as services
from followup.tests.helpers import item
from tests.support import make_user

from .conftest import make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quiet_notices(monkeypatch):
    monkeypatch.setattr(notices, "meeting_changed", lambda meeting, change: None)


def login(client, user):
    client.force_login(user)
    return client


def page(client, meeting):
    return client.get(reverse("coconstruction:meeting", args=[meeting.pk]))


def text(response):
    return re.sub(r"[ \t\r\n]+", " ", response.content.decode())


def future_day(days=20):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def meeting_post(**fields):
    data = {
        "title": "Comité de suivi de décembre",
        "date": future_day(),
        "start_time": "18:00",
        "end_time": "20:00",
        "place": "Salle du conseil",
        "video_url": "",
        "agenda": "1. **Mesure 26**",
        "visibility": "public",
        "capacity": "30",
    }
    data.update(fields)
    return data


# Scheduling ----------------------------------------------------------------------------------------


def test_a_decider_schedules_a_meeting(client, committee, mayor):
    url = reverse("coconstruction:meeting_create", args=["93066"])
    response = login(client, mayor).get(url)
    assert response.status_code == 200
    assert "Programmer une réunion" in text(response)
    assert 'type="time"' in response.content.decode()
    response = client.post(url, meeting_post())
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.committee == committee and meeting.created_by == mayor


def test_the_form_shows_french_errors(client, committee, mayor):
    url = reverse("coconstruction:meeting_create", args=["93066"])
    response = login(client, mayor).post(url, meeting_post(end_time="17:00", place=""))
    assert response.status_code == 200
    body = text(response)
    assert "La réunion doit finir après son début\u00a0: vérifiez l’heure de fin." in body
    assert "Indiquez un lieu, un lien de visioconférence, ou les deux." in body
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("who", ["member", "outsider", "passerby"])
def test_only_deciders_schedule(client, committee, who, request):
    user = request.getfixturevalue(who)
    response = login(client, user).post(
        reverse("coconstruction:meeting_create", args=["93066"]), meeting_post()
    )
    assert response.status_code == 403
    assert not Meeting.objects.exists()


def test_a_working_group_coordinator_schedules_its_meeting(client, committee, coordinator, member):
    group = WorkingGroup.objects.create(committee=committee, name="Lieu d’accueil", purpose="Le lieu.")
    WorkingGroupMember.objects.create(
        working_group=group, user=coordinator, role=WorkingGroupMember.Role.COORDINATOR
    )
    WorkingGroupMember.objects.create(working_group=group, user=member)
    url = reverse("coconstruction:meeting_create_group", args=[group.pk])
    assert login(client, member).post(url, meeting_post()).status_code == 403
    response = login(client, coordinator).post(url, meeting_post(visibility="members"))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and meeting.working_group == group
    assert page(client, meeting).status_code == 200
    assert page(login(client, member), meeting).status_code == 200
    client.logout()
    assert page(client, meeting).status_code == 404


# The meeting's page -------------------------------------------------------------------------------------


def test_the_page_shows_the_paris_time_and_its_utc_instant(client, committee):
    start = timezone.make_aware(timezone.datetime(2026, 12, 8, 18, 0))
    meeting = Meeting.objects.create(
        committee=committee,
        title="Comité de suivi",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Salle du conseil",
        capacity=30,
    )
    body = text(page(client, meeting))
    assert (
        '<time datetime="2026-12-08T17:00:00Z" data-localtime="full">mardi 8 décembre 2026 à 18 h 00</time>'
        in body
    )
    assert '<time datetime="2026-12-08T19:00:00Z" data-localtime="time">20 h 00</time>' in body
    assert "coconstruction/localtime.js" in body
    assert "0 inscrit sur 30 places" in body
    assert "Salle du conseil" in body


def test_the_first_of_the_month_is_1er(client, committee):
    start = timezone.make_aware(timezone.datetime(2027, 6, 1, 9, 30))
    meeting = Meeting.objects.create(
        committee=committee,
        title="Comité",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        place="Mairie",
    )
    body = text(page(client, meeting))
    assert "mardi 1er juin 2027 à 9 h 30" in body
    assert 'datetime="2027-06-01T07:30:00Z"' in body


@pytest.mark.parametrize("who", [None, "outsider", "passerby"])
def test_a_members_only_meeting_is_a_404_to_others(client, committee, who, request):
    meeting = make_meeting(committee, place="Mairie", visibility=Meeting.Visibility.MEMBERS)
    if who:
        login(client, request.getfixturevalue(who))
    assert page(client, meeting).status_code == 404
    for name in ("meeting_register", "meeting_edit", "meeting_minutes", "meeting_cancel"):
        response = client.post(reverse(f"coconstruction:{name}", args=[meeting.pk]))
        assert response.status_code == (302 if who is None else 404)
        if who is None:
            assert "/login/" in response["Location"] or "connexion" in response["Location"]
    assert not Registration.objects.exists()


@pytest.mark.parametrize("who", ["member", "mayor", "coordinator", "moderator"])
def test_a_members_only_meeting_is_seen_by_insiders(client, committee, who, request):
    meeting = make_meeting(committee, place="Mairie", visibility=Meeting.Visibility.MEMBERS)
    assert page(login(client, request.getfixturevalue(who)), meeting).status_code == 200


def test_registering_and_cancelling(client, meeting, passerby):
    login(client, passerby)
    response = client.post(reverse("coconstruction:meeting_register", args=[meeting.pk]))
    assert response.status_code == 302
    client.post(reverse("coconstruction:meeting_register", args=[meeting.pk]))  # a double click
    assert Registration.objects.filter(meeting=meeting, user=passerby, cancelled_at__isnull=True).count() == 1
    body = text(page(client, meeting))
    assert "Votre inscription est enregistrée." in body and "1 inscrit" in body
    assert "Léa Passante" not in body  # names: insiders only
    client.post(reverse("coconstruction:meeting_unregister", args=[meeting.pk]))
    assert not Registration.objects.get(meeting=meeting, user=passerby).is_active


def test_a_full_meeting_says_so(client, committee, member, mayor, passerby):
    meeting = make_meeting(committee, place="Mairie", capacity=1)
    services.registration_create(meeting=meeting, user=member)
    login(client, passerby)
    body = text(page(client, meeting))
    assert "1 inscrit sur 1 place " in body and "Complet" in body
    assert "Il ne reste aucune place." in body
    response = client.post(reverse("coconstruction:meeting_register", args=[meeting.pk]), follow=True)
    assert "Cette réunion est complète\u00a0: il ne reste aucune place." in text(response)
    assert Registration.objects.filter(meeting=meeting).count() == 1
    assert "Awa Koné" in text(page(login(client, mayor), meeting))


def test_the_page_in_a_constant_number_of_queries(
    client, committed, committee, mayor, django_assert_max_num_queries
):
    meeting = make_meeting(committee, days=-1, place="Mairie")
    login(client, mayor)

    def add_rows(count):
        for index in range(count):
            user = make_user(f"p{Registration.objects.count()}-{index}@example.org")
            Registration.objects.create(meeting=meeting, user=user)
            Decision.objects.create(
                meeting=meeting, commune=committee.commune, item=item("26"), text=f"D{index}"
            )

    add_rows(1)
    with django_assert_max_num_queries(60) as few:
        page(client, meeting)
    add_rows(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page(client, meeting)


# Edit and cancellation ----------------------------------------------------------------------------------


def test_an_edit_with_its_version(client, meeting, mayor):
    url = reverse("coconstruction:meeting_edit", args=[meeting.pk])
    login(client, mayor)
    form = client.get(url)
    assert f'name="version" value="{meeting.version}"' in form.content.decode()
    start = meeting.starts_at.astimezone(timezone.get_current_timezone())
    data = meeting_post(
        date=start.date().isoformat(), version=meeting.version, place="Maison des associations"
    )
    assert client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.place == "Maison des associations" and meeting.sequence == 1
    stale = client.post(url, {**data, "place": "Ailleurs"})
    assert stale.status_code == 200
    assert "Quelqu’un d’autre" in text(stale) or "quelqu" in text(stale).lower()
    meeting.refresh_from_db()
    assert meeting.place == "Maison des associations"


def test_cancelling_shows_the_reason(client, meeting, mayor, member):
    url = reverse("coconstruction:meeting_cancel", args=[meeting.pk])
    assert login(client, member).post(url, {"reason": "Non"}).status_code == 403
    login(client, mayor)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert client.post(url, {"reason": "Salle inondée", "version": meeting.version}).status_code == 302
    body = text(page(client, meeting))
    assert "Cette réunion est annulée." in body and "Motif\u00a0: Salle inondée" in body
    assert "Annulée" in body


# Minutes, decisions and the item's timeline --------------------------------------------------------------


def test_minutes_and_a_decision_show_on_the_item_timeline(client, committed, committee, mayor, passerby):
    meeting = make_meeting(committee, days=-1, place="Mairie")
    login(client, mayor)
    minutes_url = reverse("coconstruction:meeting_minutes", args=[meeting.pk])
    form = client.get(minutes_url)
    assert form.status_code == 200
    body = text(form)
    assert "<legend>Participation" in body and "26. " in body
    response = client.post(
        minutes_url,
        {
            "minutes": "Le lieu d’accueil **ouvrira**.",
            "publish": "on",
            "attended_elected": "2",
            "attended_lived_experience": "5",
            "version": meeting.version,
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("coconstruction:decision_add", args=[meeting.pk]),
        {"item": item("26").pk, "text": "Ouvrir le lieu d’accueil en mars."},
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    body = text(page(login(client, passerby), meeting))
    assert "<strong>ouvrira</strong>" in body
    assert "<strong>5</strong> personnes concernées par l’exil" in body
    assert "Ouvrir le lieu d’accueil en mars." in body
    timeline = client.get(reverse("followup:item", args=["93066", item("26").pk]))
    body = text(timeline)
    assert "Décisions des réunions" in body and "Ouvrir le lieu d’accueil en mars." in body
    assert decision.get_absolute_url() in body


def test_a_decision_off_the_commitments_is_refused(client, committed, committee, mayor):
    meeting = make_meeting(committee, days=-1, place="Mairie")
    response = login(client, mayor).post(
        reverse("coconstruction:decision_add", args=[meeting.pk]), {"item": item("02").pk, "text": "Non."}
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in text(response)
    assert not Decision.objects.exists()


def test_members_only_decisions_stay_off_the_public_timeline(client, committed, committee, member):
    meeting = make_meeting(committee, days=-1, place="Mairie", visibility=Meeting.Visibility.MEMBERS)
    Decision.objects.create(meeting=meeting, commune=committee.commune, item=item("26"), text="Secret")
    url = reverse("followup:item", args=["93066", item("26").pk])
    assert "Secret" not in text(client.get(url))
    assert "Secret" in text(login(client, member).get(url))


def test_the_timeline_panel_in_a_constant_number_of_queries(
    client, committed, committee, django_assert_max_num_queries
):
    url = reverse("followup:item", args=["93066", item("26").pk])

    def add(count, **fields):
        for index in range(count):
            meeting = make_meeting(committee, days=-1 - index, place="Mairie", **fields)
            Decision.objects.create(meeting=meeting, commune=committee.commune, item=item("26"), text="D")

    add(1)
    with django_assert_max_num_queries(80) as few:
        client.get(url)
    add(5)
    add(3, visibility=Meeting.Visibility.MEMBERS)
    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        response = client.get(url)
    assert response.content.decode().count('class="meeting-decisions"') == 1


def test_the_panel_says_when_in_utc_and_paris(committed, committee, rf):
    from coconstruction.queries.meetings import item_panel

    meeting = make_meeting(committee, days=-1, place="Mairie")
    Decision.objects.create(meeting=meeting, commune=committee.commune, item=item("26"), text="D")
    request = rf.get("/")
    request.user = make_user("lecteur@example.org")
    panel = item_panel((committee.commune, item("26")), request)
    assert panel["decisions"][0].when["iso"] == meeting.starts_at.astimezone(UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
