"""Calendar feeds: the commune's public one, a person's and a committee's private ones (by
token), valid iCalendar (parsed with the `icalendar` package), following updates and
cancellations; the page of the private link."""

import re
from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from coconstruction.models import CalendarToken, Meeting, Registration, WorkingGroup, WorkingGroupMember
from coconstruction.queries import calendars as queries
from coconstruction.services import calendars as services
from core.tokens import token_hash

from .conftest import make_meeting

pytestmark = pytest.mark.django_db

COMMUNE_FEED = "/communes/93066/comite/agenda.ics"


def events(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def feed_of(client, user, path=None):
    token = services.link_create(user)
    return client.get(path(token) if path else f"/agenda/{token}.ics"), token


@pytest.fixture
def private_meeting(committee):
    return make_meeting(
        committee, title="Préparation du budget", days=9, visibility=Meeting.Visibility.MEMBERS
    )


def test_the_commune_feed_is_valid_icalendar_with_the_public_meetings(
    client, settings, committee, meeting, private_meeting
):
    settings.SITE_URL = "https://hospitalite.example.org"
    meeting.agenda = "1. Accueil des nouveaux membres\n2. Mesure 26"
    meeting.save()
    response = client.get(COMMUNE_FEED)
    found = events(response)
    assert list(found) == ["Comité de suivi — Saint-Denis (93)"]
    event = found["Comité de suivi — Saint-Denis (93)"]
    assert str(event["UID"]) == f"{meeting.uid}@hospitalite.example.org"
    assert event["SEQUENCE"] == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["DTSTART"].dt == meeting.starts_at.astimezone(UTC)
    assert event["DTSTART"].dt.tzinfo is not None and event["DTEND"].dt > event["DTSTART"].dt
    assert str(event["LOCATION"]) == "Salle du conseil, hôtel de ville"
    assert str(event["URL"]) == "https://hospitalite.example.org" + meeting.get_absolute_url()
    assert "Mesure 26" in str(event["DESCRIPTION"])
    assert str(event["URL"]) in str(event["DESCRIPTION"])
    assert event["DTSTAMP"] and event["LAST-MODIFIED"]
    assert b"X-WR-CALNAME:Comit" in response.content
    assert "Préparation du budget" not in response.content.decode()


def test_an_updated_meeting_grows_its_sequence_and_the_feed_follows(client, meeting):
    first = client.get(COMMUNE_FEED)
    assert client.get(COMMUNE_FEED, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    meeting.starts_at += timedelta(hours=1)
    meeting.ends_at += timedelta(hours=1)
    meeting.sequence += 1
    meeting.updated_at = timezone.now()
    meeting.save()
    second = client.get(COMMUNE_FEED, HTTP_IF_NONE_MATCH=first["ETag"])
    event = events(second)["Comité de suivi — Saint-Denis (93)"]
    assert second["ETag"] != first["ETag"]
    assert event["SEQUENCE"] == 1
    assert event["DTSTART"].dt == meeting.starts_at.astimezone(UTC)


def test_a_cancelled_meeting_stays_in_the_feeds_as_cancelled(client, member, meeting):
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancelled_reason = "Salle indisponible"
    meeting.sequence += 1
    meeting.save()
    for response in (client.get(COMMUNE_FEED), feed_of(client, member)[0]):
        event = events(response)["Comité de suivi — Saint-Denis (93)"]
        assert str(event["STATUS"]) == "CANCELLED"
        assert "Salle indisponible" in str(event["DESCRIPTION"])


def test_meetings_ended_over_a_year_ago_leave_the_feeds(client, committee):
    make_meeting(committee, title="Il y a deux ans", days=-730)
    make_meeting(committee, title="Le mois dernier", days=-30)
    assert [str(title) for title in events(client.get(COMMUNE_FEED))] == [
        "Le mois dernier — Saint-Denis (93)"
    ]


def test_a_commune_without_committee_or_unknown_has_no_feed(client, saint_denis):
    assert client.get(COMMUNE_FEED).status_code == 404
    assert client.get("/communes/99999/comite/agenda.ics").status_code == 404


def test_the_person_feed_has_members_only_meetings_of_their_committees(
    client, member, meeting, private_meeting
):
    response, _token = feed_of(client, member)
    found = events(response)
    assert set(found) == {"Comité de suivi — Saint-Denis (93)", "Préparation du budget — Saint-Denis (93)"}
    assert str(found["Préparation du budget — Saint-Denis (93)"]["CLASS"]) == "PRIVATE"
    assert response["Cache-Control"] == "private, no-cache"


def test_the_person_feed_of_an_outsider_has_only_what_they_registered_to(
    client, outsider, passerby, meeting, private_meeting
):
    assert events(feed_of(client, outsider)[0]) == {}
    Registration.objects.create(meeting=meeting, user=passerby)
    # A registration does not open a members-only meeting.
    Registration.objects.create(meeting=private_meeting, user=passerby)
    assert list(events(feed_of(client, passerby)[0])) == ["Comité de suivi — Saint-Denis (93)"]


def test_a_cancelled_registration_leaves_the_person_feed(client, passerby, meeting):
    Registration.objects.create(meeting=meeting, user=passerby, cancelled_at=timezone.now())
    assert events(feed_of(client, passerby)[0]) == {}


def test_the_committee_feed_gives_what_the_owner_may_see(client, member, outsider, meeting, private_meeting):
    def committee_path(token):
        return reverse("coconstruction:calendar_committee", args=[token, "93066"])

    assert len(events(feed_of(client, member, committee_path)[0])) == 2
    assert list(events(feed_of(client, outsider, committee_path)[0])) == [
        "Comité de suivi — Saint-Denis (93)"
    ]


def test_unknown_replaced_and_revoked_tokens_are_not_found(client, member, meeting):
    assert client.get("/agenda/" + "x" * 43 + ".ics").status_code == 404
    old = services.link_create(member)
    new = services.link_create(member)
    assert client.get(f"/agenda/{old}.ics").status_code == 404
    assert client.get(f"/agenda/{new}.ics").status_code == 200
    assert client.get(reverse("coconstruction:calendar_committee", args=[old, "93066"])).status_code == 404
    services.link_revoke(member)
    assert client.get(f"/agenda/{new}.ics").status_code == 404


def test_only_the_hash_is_stored_and_a_use_is_noted(client, member):
    token = services.link_create(member)
    link = CalendarToken.objects.get(user=member)
    assert link.token_hash == token_hash(token) and token not in link.token_hash
    client.get(f"/agenda/{token}.ics")
    link.refresh_from_db()
    assert link.last_used_at is not None


def test_an_inactive_account_link_is_not_found(client, member):
    token = services.link_create(member)
    member.is_active = False
    member.save()
    assert client.get(f"/agenda/{token}.ics").status_code == 404


# Working groups -------------------------------------------------------------------------------


def working_group(committee, visibility=WorkingGroup.Visibility.PUBLIC, **fields):
    return WorkingGroup.objects.create(
        committee=committee,
        name=fields.pop("name", "Chantier logement"),
        purpose="Loger",
        visibility=visibility,
    )


def test_working_group_meetings_in_the_commune_feed_when_public(client, committee, member, passerby):
    public = working_group(committee)
    hidden = working_group(committee, WorkingGroup.Visibility.MEMBERS, name="Chantier discret")
    WorkingGroupMember.objects.create(working_group=hidden, user=passerby)
    make_meeting(working_group=public, title="Atelier")
    make_meeting(working_group=public, title="Atelier fermé", visibility=Meeting.Visibility.MEMBERS)
    make_meeting(working_group=hidden, title="Réunion discrète")
    assert list(events(client.get(COMMUNE_FEED))) == ["Atelier — Chantier logement"]
    # A member of the hidden group gets its meeting in their own feed.
    assert list(events(feed_of(client, passerby)[0])) == ["Réunion discrète — Chantier discret"]


def test_the_feeds_agree_with_the_meeting_rule(
    committee, coordinator, member, mayor, outsider, passerby, moderator
):
    """visible_to (the feeds' query) says what rules/meetings.py says, case by case."""
    public_group = working_group(committee)
    hidden_group = working_group(committee, WorkingGroup.Visibility.MEMBERS, name="Chantier discret")
    WorkingGroupMember.objects.create(working_group=hidden_group, user=passerby)
    WorkingGroupMember.objects.create(
        working_group=public_group, user=outsider, status=WorkingGroupMember.Status.INVITED
    )
    members = Meeting.Visibility.MEMBERS
    meetings = [
        make_meeting(committee, title="a"),
        make_meeting(committee, title="b", visibility=members),
        make_meeting(working_group=public_group, title="c"),
        make_meeting(working_group=public_group, title="d", visibility=members),
        make_meeting(working_group=hidden_group, title="e"),
        make_meeting(working_group=hidden_group, title="f", visibility=members),
    ]
    from django.contrib.auth.models import AnonymousUser

    for user in (coordinator, member, mayor, outsider, passerby, moderator, AnonymousUser()):
        seen = set(Meeting.objects.filter(queries.visible_to(user)).values_list("title", flat=True))
        expected = {m.title for m in meetings if user.has_perm("coconstruction.view_meeting", m)}
        assert seen == expected, (user, seen, expected)


def test_a_feed_costs_a_constant_number_of_queries(client, committee, django_assert_max_num_queries):
    for days in range(1, 30):
        make_meeting(committee, title=f"Réunion {days}", days=days)
    with django_assert_max_num_queries(4):
        assert len(events(client.get(COMMUNE_FEED))) == 29


# The page of the private link ------------------------------------------------------------------


def test_the_page_asks_to_sign_in(client):
    response = client.get("/compte/agenda/")
    assert response.status_code == 302
    assert response["Location"].endswith("?next=/compte/agenda/")


def test_creating_the_link_shows_it_once_and_it_works(client, member, meeting):
    client.force_login(member)
    page = client.get("/compte/agenda/")
    assert page.status_code == 200
    assert "Créer mon lien" in page.content.decode()
    created = client.post("/compte/agenda/", {"action": "create"})
    html = created.content.decode()
    assert created.status_code == 200
    assert "Copiez-le maintenant" in html
    token = re.search(r"https?://testserver/agenda/([A-Za-z0-9_-]{20,})\.ics", html).group(1)
    assert CalendarToken.objects.get(user=member).token_hash == token_hash(token)
    assert f"webcal://testserver/agenda/{token}.ics" in html
    assert f"/agenda/{token}/comite/93066.ics" in html
    assert "Comité de suivi — Saint-Denis (93)" in events(client.get(f"/agenda/{token}.ics"))
    again = client.get("/compte/agenda/").content.decode()
    assert token not in again and "Le remplacer par un nouveau lien" in again


def test_replacing_and_deleting_the_link(client, member):
    client.force_login(member)
    first = services.link_create(member)
    client.post("/compte/agenda/", {"action": "create"})
    assert client.get(f"/agenda/{first}.ics").status_code == 404
    response = client.post("/compte/agenda/", {"action": "revoke"}, follow=True)
    assert not CalendarToken.objects.filter(user=member).exists()
    assert "Votre lien d’agenda privé est supprimé" in response.content.decode()


def test_the_account_menu_links_to_the_calendar(client, member):
    client.force_login(member)
    assert 'href="/compte/agenda/"' in client.get("/compte/agenda/").content.decode()


# The page cache ------------------------------------------------------------------------------


def test_the_commune_feed_is_cached_and_follows_a_change(
    settings, meeting, django_capture_on_commit_callbacks
):
    from tests.pagecache_support import anonymous_get, bump_now

    settings.PAGE_CACHE = True
    first, queries_made = anonymous_get(COMMUNE_FEED)
    assert first.status_code == 200 and queries_made > 0
    second, queries_made = anonymous_get(COMMUNE_FEED)
    assert queries_made == 0 and second.content == first.content

    def cancel():
        meeting.status = Meeting.Status.CANCELLED
        meeting.sequence += 1
        meeting.save()

    bump_now(django_capture_on_commit_callbacks, cancel)
    third, _queries = anonymous_get(COMMUNE_FEED)
    assert str(events(third)["Comité de suivi — Saint-Denis (93)"]["STATUS"]) == "CANCELLED"


def test_private_feeds_are_never_cached(settings, client, member, meeting):
    from tests.pagecache_support import anonymous_get

    settings.PAGE_CACHE = True
    token = services.link_create(member)
    anonymous_get(f"/agenda/{token}.ics")
    services.link_revoke(member)
    assert anonymous_get(f"/agenda/{token}.ics")[0].status_code == 404
