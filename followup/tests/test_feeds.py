"""The Atom feeds of the published updates (of a commune, of an item in every commune, of
a department): valid Atom as a feed reader parses it (feedparser), well-formed XML, only
what everyone may read, the latest FEED_SIZE, in a number of queries that does not grow."""

from xml.dom import minidom

import feedparser
import pytest

from followup import feeds, services
from followup.models import Update, Voice
from moderation import services as moderation
from tests.support import make_user

from .conftest import verified_contact
from .helpers import commit, commune, item, post

pytestmark = pytest.mark.django_db

MUNICIPALITY, CIVIL_SOCIETY = Voice.MUNICIPALITY, Voice.CIVIL_SOCIETY
COMMUNE_FEED = "/communes/93066/suivi/flux.atom"
DEPARTMENT_FEED = "/departements/93/suivi/flux.atom"
ATOM = "http://www.w3.org/2005/Atom"


def item_feed(code="26"):
    return f"/suivi/engagements/{item(code).pk}/flux.atom"


def parsed(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/atom+xml")
    minidom.parseString(response.content)  # well-formed XML, or it raises
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


@pytest.fixture
def updates(committed, mayor, member, group, moderator):
    """Saint-Denis: two public updates, a hidden one, a joint statement still a draft;
    L'Abergement-Clémenciat (01): one update on item 26."""
    first = post(mayor, item("26"), MUNICIPALITY, text="Le lieu d’accueil a **ouvert**.", status="done")
    second = post(member, item("01"), CIVIL_SOCIETY, text="Ouvert <script>alert(1)</script> deux jours.")
    hidden = post(mayor, item("01"), MUNICIPALITY, text="Données personnelles de Mme X")
    moderation.content_hide(content=hidden, moderator=moderator, reason="Données personnelles")
    draft = services.joint_statement_draft(
        commune=commune(), item=item("26"), user=mayor, voice=MUNICIPALITY, text="Brouillon d’accord"
    )
    commit("26", code="01001", reference="2026-007")
    elsewhere = post(
        verified_contact(make_user("maire@abergement.example.org", display_name="Marc"), "01001"),
        item("26"),
        MUNICIPALITY,
        code="01001",
        text="Ailleurs",
    )
    return {"first": first, "second": second, "hidden": hidden, "draft": draft, "elsewhere": elsewhere}


def test_the_commune_feed_is_valid_atom_with_its_public_updates(client, updates):
    feed = parsed(client, COMMUNE_FEED)

    assert "Saint-Denis" in feed.feed.title
    assert feed.feed.link == "http://testserver/communes/93066/suivi/"
    assert feed.feed.updated_parsed is not None
    assert len(feed.entries) == 2  # not the hidden update, not the draft
    second, first = feed.entries  # latest first
    assert first.link == "http://testserver" + updates["first"].get_absolute_url()
    assert first.id == first.link
    assert first.author == "Nadia Adjointe"
    assert second.author == "Awa (Accueil Saint-Denis)"
    assert first.updated_parsed is not None and first.published_parsed is not None
    assert "<strong>ouvert</strong>" in first.summary
    assert "<script>" not in second.summary and "alert" not in second.summary
    assert "Données personnelles" not in str(feed) and "Brouillon" not in str(feed)


def test_entry_ids_are_unique_and_stable_across_feeds(client, updates):
    commune_ids = [entry.id for entry in parsed(client, COMMUNE_FEED).entries]
    item_ids = [entry.id for entry in parsed(client, item_feed("26")).entries]

    assert len(set(commune_ids)) == len(commune_ids)
    assert len(set(item_ids)) == len(item_ids)
    assert commune_ids[-1] in item_ids  # the same update, the same id


def test_the_item_feed_has_the_item_in_every_commune(client, updates):
    feed = parsed(client, item_feed("26"))

    assert [entry.link.removeprefix("http://testserver") for entry in feed.entries] == [
        updates["elsewhere"].get_absolute_url(),
        updates["first"].get_absolute_url(),
    ]
    assert "Abergement-Clémenciat (01)" in feed.entries[0].title


def test_the_department_feed_has_its_communes_updates(client, updates):
    feed = parsed(client, DEPARTMENT_FEED)

    assert len(feed.entries) == 2
    assert "Seine-Saint-Denis" in feed.feed.title
    [elsewhere] = parsed(client, "/departements/01/suivi/flux.atom").entries
    assert elsewhere.link.endswith(updates["elsewhere"].get_absolute_url())


def test_an_empty_feed_is_valid_too(client, db):
    feed = parsed(client, COMMUNE_FEED)

    assert feed.entries == []


def test_unknown_places_have_no_feed(client, db):
    assert client.get("/communes/99999/suivi/flux.atom").status_code == 404
    assert client.get("/suivi/engagements/999999/flux.atom").status_code == 404
    assert client.get("/departements/999/suivi/flux.atom").status_code == 404


def test_the_latest_entries_only_in_a_fixed_number_of_queries(
    client, committed, mayor, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(feeds, "FEED_SIZE", 3)
    for number in range(2):
        post(mayor, item("26"), MUNICIPALITY, text=f"Point {number}")
    with django_assert_max_num_queries(10) as few:
        client.get(COMMUNE_FEED)
    for number in range(2, 6):
        post(mayor, item("26"), MUNICIPALITY, text=f"Point {number}")

    with django_assert_max_num_queries(len(few.captured_queries)):
        feed = parsed(client, COMMUNE_FEED)

    assert [entry.summary for entry in feed.entries] == ["<p>Point 5</p>", "<p>Point 4</p>", "<p>Point 3</p>"]
    assert Update.objects.count() == 6


def test_the_board_announces_its_feed(client, committed):
    page = client.get("/communes/93066/suivi/").content.decode()

    assert '<link rel="alternate" type="application/atom+xml" href="/communes/93066/suivi/flux.atom"' in page
