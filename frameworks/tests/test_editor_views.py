"""The framework editor through its pages: a coordinator of the Pacte pour la Transition
opens the draft of the next version, sees its problems in French, fills in the missing
measure 13, previews and publishes it; the public pages, the differences between versions
and the YAML downloads follow. Conflicting edits, local versions and query counts too.

Texts of the pages are matched as the French catalogue has them (`fr`); the tests of the
catalogue itself say which texts it still lacks."""

import re

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from frameworks import drafts
from frameworks.models import Framework, FrameworkDraft, Item, Section
from frameworks.services import frameworks_load
from tests.support import browser, make_group, make_partner_coordinator, make_user, messages_of

from .helpers import PACTE, item_of, write

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"

PACTE_URL = f"/referentiels/{PACTE}/"
DRAFT_URL = PACTE_URL + "brouillon/"
FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr"}
ITEM_13 = {
    "code": "13",
    "section": "M",
    "title": "Soutenir les initiatives citoyennes de transition",
    "summary": "La commune soutient les collectifs d'habitant·es qui portent des projets de transition.",
    "themes": ["participation_citizenship"],
    "levels": "",
    "confidence": "confirmed",
    "sources": "https://www.pacte-transition.org/",
}


def fr(msgid, **values):
    """The text as the French catalogue has it, escaped as templates escape it."""
    with translation.override("fr"):
        text = gettext(msgid)
    return escape(text % values if values else text)


def current(slug=PACTE):
    return Framework.objects.get(slug=slug, is_current=True)


def open_draft():
    return FrameworkDraft.objects.get(slug=PACTE, published_at__isnull=True)


def html_of(response, status=200):
    assert response.status_code == status, (response.status_code, response.get("Location"))
    return response.content.decode()


def get(client, url, status=200):
    return html_of(client.get(url, **FRENCH), status)


@pytest.fixture
def coordinator():
    return make_partner_coordinator("coordination@pacte.example.org", partner=PACTE, display_name="Léa Pacte")


@pytest.fixture
def client(coordinator):
    return browser(coordinator)


@pytest.fixture
def draft(client):
    response = client.post(DRAFT_URL + "ouvrir/", **FRENCH)
    assert (response.status_code, response["Location"]) == (302, DRAFT_URL)
    return open_draft()


def fill_in_13(client, revision):
    return client.post(
        DRAFT_URL + "engagements/ajouter/?code=13", {**ITEM_13, "revision": revision}, **FRENCH
    )


def publish(client):
    return client.post(DRAFT_URL + "publier/", {"revision": open_draft().revision}, **FRENCH)


@pytest.fixture
def filled(client, draft):
    response = fill_in_13(client, draft.revision)
    assert (response.status_code, response["Location"]) == (302, DRAFT_URL + "#items")
    return open_draft()


@pytest.fixture
def published(client, filled):
    response = publish(client)
    assert (response.status_code, response["Location"]) == (302, PACTE_URL)
    return current()


def notice(html):
    """The notice of a partial framework (a preview has another notice)."""
    notices = re.findall(r'<div class="notice" role="note">(.*?)</div>', html, re.S)
    return next((text for text in notices if fr("Not yet here:") in text), "")


# Opening a draft -------------------------------------------------------------------------------


def test_the_publishers_coordinator_is_offered_to_prepare_the_next_version(client):
    html = get(client, PACTE_URL)
    assert f'action="{DRAFT_URL}ouvrir/"' in html
    assert f'href="{DRAFT_URL}"' not in html
    anonymous = get(browser(), PACTE_URL)
    assert "/brouillon/" not in anonymous


def test_opening_a_draft(client, coordinator):
    response = client.post(DRAFT_URL + "ouvrir/", **FRENCH)
    assert (response.status_code, response["Location"]) == (302, DRAFT_URL)
    draft = open_draft()
    assert draft.created_by == coordinator and draft.base == current()
    # Opening again leads to the same draft; the framework page now links to it.
    response = client.post(DRAFT_URL + "ouvrir/", **FRENCH)
    assert response["Location"] == DRAFT_URL
    assert FrameworkDraft.objects.filter(slug=PACTE).count() == 1
    html = get(client, PACTE_URL)
    assert f'href="{DRAFT_URL}"' in html and f'action="{DRAFT_URL}ouvrir/"' not in html
    assert client.get(DRAFT_URL + "ouvrir/").status_code == 405


def test_without_an_open_draft_its_pages_are_404(client):
    for suffix in ("", "general/", "engagements/ajouter/", "apercu/", "yaml/", "historique/"):
        assert client.get(DRAFT_URL + suffix).status_code == 404, suffix
    assert client.post(DRAFT_URL + "publier/", {"revision": 1}).status_code == 404


def test_the_draft_page(client, draft):
    html = get(client, DRAFT_URL)
    assert escape(draft.data["title"]) in html
    assert fr("The draft passes every check of the framework files: it can be published.") in html
    assert f'action="{DRAFT_URL}publier/"' in html
    assert '<input type="hidden" name="revision" value="1">' in html
    # The missing measures, each with its link to fill it in.
    for code in ("13", "20", "22", "23"):
        assert f'href="{DRAFT_URL}engagements/ajouter/?code={code}"' in html
    assert html.count('class="to-confirm"') == sum(
        1 for item in draft.data["items"] if item.get("confidence", "confirmed") != "confirmed"
    )


def test_the_draft_page_lists_its_problems_in_french(client, draft):
    data = draft.data
    item_of(data, "26")["themes"] = ["first_welcome", "meteo"]
    data["title"] = ""
    data["items"].append({**item_of(data, "01"), "title": "Doublon"})
    FrameworkDraft.objects.filter(pk=draft.pk).update(data=data)
    draft.refresh_from_db()

    html = get(client, DRAFT_URL)

    with translation.override("fr"):
        problems = drafts.draft_problems(draft)
    assert problems == [
        "référentiel : le champ « title » manque.",
        "engagement 26 : thèmes inconnus : meteo.",
        "le code d’engagement « 01 » apparaît deux fois.",
    ]
    listed = re.findall(
        r"<li>([^<]*)</li>", html.split('aria-labelledby="check-title"')[1].split("</section>")[0]
    )
    assert listed == [escape(problem) for problem in problems]
    # No way to publish a draft with problems.
    assert f'action="{DRAFT_URL}publier/"' not in html


# Filling in measure 13 ------------------------------------------------------------------------------


def test_the_item_form_pre_fills_a_missing_code(client, draft):
    html = get(client, DRAFT_URL + "engagements/ajouter/?code=13")
    assert re.search(r'<input type="text" name="code" value="13"', html), html
    assert '<input type="hidden" name="revision" value="1"' in html
    assert f"<h1>{fr('Fill in item %(code)s', code='13')}</h1>" in html
    # The section of its neighbour (12) is proposed.
    assert '<option value="M" selected>' in html
    # The sections of the draft to choose from.
    assert '<option value="M"' in html


def test_filling_in_item_13_through_the_form(client, draft, coordinator):
    response = fill_in_13(client, 1)
    assert (response.status_code, response["Location"]) == (302, DRAFT_URL + "#items")
    assert messages_of(response) == [gettext("The draft is saved.")]
    draft = open_draft()
    assert draft.revision == 2
    assert item_of(draft.data, "13") == {
        "code": "13",
        "section": "M",
        "title": ITEM_13["title"],
        "summary": ITEM_13["summary"],
        "themes": ["participation_citizenship"],
        "sources": ["https://www.pacte-transition.org/"],
    }
    assert draft.data["missing"] == ["20", "22", "23"]
    codes = [item["code"] for item in draft.data["items"]]
    assert codes.index("13") == codes.index("12") + 1  # among its neighbours
    record = draft.history.latest()
    assert record.history_user_id == coordinator.pk and "13" in record.change

    html = get(client, DRAFT_URL)
    assert f'href="{DRAFT_URL}engagements/ajouter/?code=13"' not in html
    assert f'href="{DRAFT_URL}engagements/ajouter/?code=20"' in html
    assert 'id="item-13"' in html
    assert drafts.draft_problems(draft) == []


def test_an_invalid_item_form_is_shown_again(client, draft):
    response = client.post(
        DRAFT_URL + "engagements/ajouter/?code=13", {**ITEM_13, "title": "", "revision": 1}, **FRENCH
    )
    html_of(response)
    assert open_draft().revision == 1


def test_an_item_code_already_used_is_refused_on_the_form(client, draft):
    response = client.post(
        DRAFT_URL + "engagements/ajouter/", {**ITEM_13, "code": "26", "revision": 1}, **FRENCH
    )
    html = html_of(response)
    assert fr("The item code “%(code)s” is already used.", code="26") in html
    assert open_draft().revision == 1


def test_the_preview_shows_item_13_and_writes_nothing(client, filled):
    before = (Framework.objects.count(), Section.objects.count(), Item.objects.count())
    with CaptureQueriesContext(connection) as queries:
        html = get(client, DRAFT_URL + "apercu/")
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"} and '"frameworks_' in q["sql"]
    ]
    assert writes == []
    assert (Framework.objects.count(), Section.objects.count(), Item.objects.count()) == before
    assert escape(ITEM_13["title"]) in html
    assert '<span class="item-code">13</span>' in html
    assert "20, 22, 23." in notice(html) and "13" not in notice(html)
    assert f'href="{DRAFT_URL}"' in html  # back to the draft
    # The public page does not have it yet.
    assert escape(ITEM_13["title"]) not in get(browser(), PACTE_URL)


def test_a_draft_that_cannot_be_read_previews_its_problems(client, draft):
    FrameworkDraft.objects.filter(pk=draft.pk).update(data={**draft.data, "year": 20})
    html = get(client, DRAFT_URL + "apercu/")
    assert escape("« year » doit être une année, comme 2026.") in html


# Publishing -----------------------------------------------------------------------------------------


def test_publishing_makes_item_13_public(client, published, coordinator):
    assert published.version == str(timezone.now().year)
    assert published.published_by == coordinator
    html = get(browser(), PACTE_URL)
    assert f'href="{PACTE_URL}engagements/13/"' in html
    assert escape(ITEM_13["title"]) in html
    assert "20, 22, 23." in notice(html)
    assert "13" not in notice(html)
    # The former version is still there, with its notice naming 13.
    assert f'href="{PACTE_URL}versions/2020/"' in html
    old = get(browser(), PACTE_URL + "versions/2020/")
    assert "13, 20, 22, 23." in notice(old)
    assert f'href="{PACTE_URL}versions/2020/engagements/13/"' not in old
    assert escape(ITEM_13["summary"]) in get(browser(), PACTE_URL + "engagements/13/")
    assert not FrameworkDraft.objects.filter(slug=PACTE, published_at__isnull=True).exists()


def test_publishing_a_signed_text_change_in_the_same_version_is_refused_on_the_page(client, draft):
    from .helpers import commit

    commit(current(), user=make_user("campagne@example.org"), code="26")
    data = draft.data
    data.update(version="2020", year=2020)
    item_of(data, "26")["title"] = "Un titre signé changé"
    FrameworkDraft.objects.filter(pk=draft.pk).update(data=data)
    response = publish(client)
    html = html_of(response, 400)
    assert (
        escape(
            "le texte de l’engagement 26, déjà signé, changerait dans la version 2020 : publiez plutôt une nouvelle version."
        )
        in html
    )
    assert open_draft().published_at is None
    assert current().items.get(code="26").title != "Un titre signé changé"


def test_the_diff_page_shows_item_13_added(published):
    html = get(browser(), PACTE_URL + "comparer/")
    added = html.split(fr("Items added"), 1)[1].split("</ul>", 1)[0]
    assert "<strong>13</strong>" in added and escape(ITEM_13["title"]) in added
    assert html.count("<strong>13</strong>") == 1
    assert '<option value="2020" selected>' in html
    # And back: from the new version to the former one, 13 is removed.
    version = published.version
    back = get(browser(), PACTE_URL + f"comparer/?de={version}&a=2020")
    removed = back.split(fr("Items removed"), 1)[1].split("</ul>", 1)[0]
    assert "<strong>13</strong>" in removed


def test_the_diff_page_of_a_single_version(client):
    html = get(browser(), PACTE_URL + "comparer/")
    assert fr("This framework has a single version so far.") in html
    get(browser(), "/referentiels/inconnu/comparer/", status=404)


# YAML downloads -------------------------------------------------------------------------------------------


def yaml_of(response, filename):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    return yaml.safe_load(response.content.decode("utf-8"))


def test_yaml_of_the_current_and_the_former_version(published, tmp_path):
    version = published.version
    data = yaml_of(browser().get(PACTE_URL + "yaml/"), f"{PACTE}-{version}.yaml")
    assert (data["slug"], data["version"]) == (PACTE, version)
    assert item_of(data, "13")["title"] == ITEM_13["title"]
    assert data["missing"] == ["20", "22", "23"]

    old = yaml_of(browser().get(PACTE_URL + "versions/2020/yaml/"), f"{PACTE}-2020.yaml")
    assert old["version"] == "2020" and old["missing"] == ["13", "20", "22", "23"]
    assert "13" not in [item["code"] for item in old["items"]]
    # What is downloaded loads back as it is.
    report = frameworks_load([write(tmp_path, "new.yaml", data), write(tmp_path, "old.yaml", old)])
    assert len(report.unchanged) == 2
    assert browser().get(PACTE_URL + "versions/1999/yaml/").status_code == 404


def test_yaml_of_the_draft(client, filled):
    data = yaml_of(client.get(DRAFT_URL + "yaml/"), f"{PACTE}-{filled.data['version']}-brouillon.yaml")
    assert data == filled.data


# Items to be confirmed --------------------------------------------------------------------------------------


def test_the_item_page_marks_an_item_resting_on_a_single_source():
    single = get(browser(), PACTE_URL + "engagements/06/")
    confirmed = get(browser(), PACTE_URL + "engagements/26/")
    mark = fr("This summary rests on partial sources: to be confirmed by the publisher.")
    assert 'class="to-confirm"' in single and mark in single
    assert 'class="to-confirm"' not in confirmed and mark not in confirmed


def test_the_framework_page_marks_the_items_to_confirm():
    html = get(browser(), PACTE_URL)
    items = dict(re.findall(r'<span class="item-code">(\w+)</span>(.*?)</li>', html, re.S))
    assert 'class="to-confirm"' in items["06"]
    assert 'class="to-confirm"' not in items["26"]
    assert html.count('class="to-confirm"') == current().items.exclude(confidence="confirmed").count()


# Editing at the same time -------------------------------------------------------------------------------------


def item_form(item, revision, **changes):
    return {
        "code": item["code"],
        "section": item["section"],
        "title": item["title"],
        "summary": item["summary"],
        "themes": item.get("themes", []),
        "levels": "\n".join(level["title"] for level in item.get("levels", [])),
        "confidence": item.get("confidence", "confirmed"),
        "sources": "\n".join(item.get("sources", [])),
        "revision": revision,
        **changes,
    }


def test_a_stale_form_is_shown_again_with_the_conflict_and_overwrites_nothing(client, draft):
    other = make_partner_coordinator(
        "relecture@pacte.example.org", partner=PACTE, display_name="Noé Relecture"
    )
    # Léa opens the form of item 26 (revision 1); Noé saves item 01 meanwhile.
    assert 'name="revision" value="1"' in get(client, DRAFT_URL + "engagements/26/")
    response = browser(other).post(
        DRAFT_URL + "engagements/01/", item_form(item_of(draft.data, "01"), 1, title="01 selon Noé"), **FRENCH
    )
    assert response.status_code == 302

    response = client.post(
        DRAFT_URL + "engagements/26/", item_form(item_of(draft.data, "26"), 1, title="26 selon Léa"), **FRENCH
    )

    html = html_of(response)
    saved = open_draft()
    assert saved.revision == 2 and saved.updated_by == other
    assert item_of(saved.data, "01")["title"] == "01 selon Noé"
    assert item_of(saved.data, "26")["title"] == item_of(draft.data, "26")["title"]
    with translation.override("fr"):
        conflict = str(drafts.DraftConflict(saved))
    assert escape(conflict) in html
    assert "Noé Relecture" in html
    # Léa's entries are kept, on the current revision: saving again goes through.
    assert 'value="26 selon Léa"' in html
    assert '<input type="hidden" name="revision" value="2"' in html
    response = client.post(
        DRAFT_URL + "engagements/26/", item_form(item_of(draft.data, "26"), 2, title="26 selon Léa"), **FRENCH
    )
    assert response.status_code == 302
    saved = open_draft()
    assert item_of(saved.data, "26")["title"] == "26 selon Léa"
    assert item_of(saved.data, "01")["title"] == "01 selon Noé"


def test_a_stale_remove_button_removes_nothing(client, draft):
    assert fill_in_13(client, 1).status_code == 302
    response = client.post(DRAFT_URL + "engagements/26/retirer/", {"revision": 1}, **FRENCH)
    assert (response.status_code, response["Location"]) == (302, DRAFT_URL + "#items")
    with translation.override("fr"):
        assert messages_of(response)[-1] == str(drafts.DraftConflict(open_draft()))
    assert "26" in [item["code"] for item in open_draft().data["items"]]


def test_buttons_move_and_remove(client, draft):
    response = client.post(
        DRAFT_URL + "deplacer/", {"revision": 1, "what": "item", "code": "26", "direction": "up"}, **FRENCH
    )
    assert response["Location"] == DRAFT_URL + "#items"
    codes = [item["code"] for item in open_draft().data["items"]]
    assert codes.index("26") == [item["code"] for item in draft.data["items"]].index("26") - 1
    response = client.post(DRAFT_URL + "engagements/26/retirer/", {"revision": 2}, **FRENCH)
    assert "26" not in [item["code"] for item in open_draft().data["items"]]
    response = client.post(DRAFT_URL + "sections/M/retirer/", {"revision": 3}, **FRENCH)
    with translation.override("fr"):
        assert messages_of(response)[-1] == gettext("Move or remove the items of this section first.")
    assert open_draft().revision == 3


# Local versions -------------------------------------------------------------------------------------------------


@pytest.fixture
def group_coordinator():
    return make_user("coordination@accueil-saint-denis.example.org", display_name="Sam Accueil")


@pytest.fixture
def group(group_coordinator):
    return make_group("Accueil Saint-Denis", slug="accueil-saint-denis", coordinator=group_coordinator)


LOCAL = f"{PACTE}-accueil-saint-denis"


def test_a_local_group_creates_and_publishes_a_local_version(group, group_coordinator):
    client = browser(group_coordinator)
    html = get(client, PACTE_URL)
    assert f'href="{PACTE_URL}versions-locales/nouvelle/"' in html
    assert f'action="{DRAFT_URL}ouvrir/"' not in html  # not the publisher

    html = get(client, PACTE_URL + "versions-locales/nouvelle/")
    assert f'<option value="{group.pk}">Accueil Saint-Denis</option>' in html
    response = client.post(PACTE_URL + "versions-locales/nouvelle/", {"group": group.pk}, **FRENCH)
    local_draft_url = f"/referentiels/{LOCAL}/brouillon/"
    assert (response.status_code, response["Location"]) == (302, local_draft_url)
    draft = FrameworkDraft.objects.get(slug=LOCAL)
    assert draft.publisher == group and draft.base == current()

    # The item form of a local version says which national items an item stands for.
    form = get(client, local_draft_url + "engagements/26/")
    assert re.search(r'<input type="checkbox" name="maps_to" value="26"[^>]* checked', form), form
    html = get(client, local_draft_url)
    assert fr("The draft passes every check of the framework files: it can be published.") in html

    response = client.post(local_draft_url + "publier/", {"revision": draft.revision}, **FRENCH)
    assert (response.status_code, response["Location"]) == (302, f"/referentiels/{LOCAL}/")
    local = current(LOCAL)
    assert local.parent == current() and local.publisher == group

    national = get(browser(), PACTE_URL)
    section = national.split('id="local-title"', 1)[1].split("</section>", 1)[0]
    assert f'href="/referentiels/{LOCAL}/"' in section and escape(local.title) in section
    assert "Accueil Saint-Denis" in section
    page = get(browser(), f"/referentiels/{LOCAL}/")
    assert f'href="{PACTE_URL}"' in page
    item = get(browser(), PACTE_URL + "engagements/26/")
    assert f'href="/referentiels/{LOCAL}/engagements/26/"' in item


def test_the_publishers_coordinator_may_not_edit_a_local_version(group, group_coordinator, client):
    drafts.draft_open_local(national=current(), group=group, user=group_coordinator)
    assert (
        client.get(f"/referentiels/{LOCAL}/brouillon/").status_code == 404
    )  # an unpublished draft is not shown to others
    assert browser(group_coordinator).get(f"/referentiels/{LOCAL}/brouillon/").status_code == 200


def test_a_group_not_validated_cannot_create_a_local_version(group_coordinator):
    make_group("Collectif en attente", slug="collectif", coordinator=group_coordinator, status="pending")
    client = browser(group_coordinator)
    assert f"{PACTE_URL}versions-locales/nouvelle/" not in get(client, PACTE_URL)
    assert client.get(PACTE_URL + "versions-locales/nouvelle/").status_code == 403


def test_a_coordinator_may_not_create_a_local_version_for_another_group(group, group_coordinator):
    other = make_user("autre@example.org")
    other_group = make_group("Accueil Abergement", commune="01001", coordinator=other)
    response = browser(other).post(PACTE_URL + "versions-locales/nouvelle/", {"group": group.pk}, **FRENCH)
    assert response.status_code == 200
    assert not FrameworkDraft.objects.exists()
    assert other_group.pk  # their own group is the only choice
    assert f'value="{other_group.pk}"' in response.content.decode()
    assert f'value="{group.pk}"' not in response.content.decode()


# Query counts ---------------------------------------------------------------------------------------------------


def small_framework(tmp_path):
    """A framework of one section and one item, by the Pacte's publisher."""
    data = {
        "slug": "charte-courte",
        "title": "Charte courte",
        "publisher": PACTE,
        "version": "1",
        "year": 2024,
        "source_url": "https://example.org/charte",
        "description": "Une charte d'un seul engagement.",
        "complete": False,
        "missing": ["2"],
        "sections": [{"code": "S", "kind": "chapter", "title": "Engagements"}],
        "items": [
            {
                "code": "1",
                "section": "S",
                "title": "Accueillir",
                "summary": "Accueillir dignement.",
                "themes": ["first_welcome"],
                "confidence": "single_source",
            }
        ],
    }
    frameworks_load([write(tmp_path, "courte.yaml", data)])
    return "/referentiels/charte-courte/"


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


# The framework, its sections, items, their themes, theme counts, versions, local versions, and
# one more (the national items a local version's items stand for, when it is local).
ANONYMOUS_MAX = 8
# Signed in, 11 more: the session, the user, allauth's user session (read, user, update, in a
# savepoint), the organisations coordinated and the partners among them, the TOTP check, the
# local groups coordinated (may localise), the open draft (may edit).
SIGNED_IN_MAX = 19


@pytest.mark.parametrize("who", ["anonymous", "coordinator", "group_coordinator"])
def test_framework_page_query_count_does_not_grow_with_the_framework(
    who, tmp_path, django_assert_max_num_queries, request
):
    small = small_framework(tmp_path)
    if who == "anonymous":
        client, bound = browser(), ANONYMOUS_MAX
    elif who == "coordinator":
        client, bound = browser(request.getfixturevalue("coordinator")), SIGNED_IN_MAX
    else:
        request.getfixturevalue("group")
        client, bound = browser(request.getfixturevalue("group_coordinator")), SIGNED_IN_MAX
    for url in (PACTE_URL, small):
        client.get(url)  # caches filled once per session, as for any visitor
        with django_assert_max_num_queries(bound):
            client.get(url)
    assert count_queries(client, PACTE_URL) == count_queries(client, small)


def test_framework_page_query_count_with_local_versions(
    group, group_coordinator, tmp_path, django_assert_max_num_queries
):
    small = small_framework(tmp_path)
    for national in (current(), current("charte-courte")):
        local = drafts.draft_open_local(national=national, group=group, user=group_coordinator)
        drafts.draft_publish(draft=local, revision=1, user=group_coordinator)
    client = browser()
    html = get(client, PACTE_URL)
    assert f'href="/referentiels/{LOCAL}/"' in html
    with django_assert_max_num_queries(ANONYMOUS_MAX):
        client.get(PACTE_URL)
    assert count_queries(client, PACTE_URL) == count_queries(client, small)
    # A local version's page: its items stand for national ones, in as many queries.
    assert count_queries(client, f"/referentiels/{LOCAL}/") == count_queries(client, PACTE_URL)


# The French catalogue ----------------------------------------------------------------------------------------------

EDITOR_TEXTS = {
    # msgid: the French it must become (compared without typographic spaces and apostrophes).
    "to be confirmed by the publisher": "à confirmer par l'éditeur",
    "This summary rests on partial sources: to be confirmed by the publisher.": "à confirmer par l'éditeur",
    "The draft passes every check of the framework files: it can be published.": "",
    "Items to fill in": "",
    "Items added": "",
    "Draft opened": "",
    "Move or remove the items of this section first.": "",
    "This draft has been published already.": "",
    "A local version adapts a national framework, not another local version.": "",
    "Local versions": "",
    "Create a local version for my group": "",
    "Prepare the next version": "",
    "%(where)s: “maps_to” is only for the items of a local version.": "",
    "the publisher “%(slug)s” of a local version is not a validated local group.": "",
    "draft discarded": "",
    "This draft was changed by %(name)s on %(date)s (“%(change)s”) since you opened it. "
    "Its current state is shown below; check it, then save again.": "",
}


def plain(text):
    return " ".join(text.replace("’", "'").replace("\u202f", " ").replace("\xa0", " ").split()).lower()


def test_the_editor_speaks_french():
    untranslated = []
    with translation.override("fr"):
        for msgid, french in EDITOR_TEXTS.items():
            text = gettext(msgid)
            if text == msgid or (french and plain(french) not in plain(text)):
                untranslated.append(msgid)
    assert untranslated == []
    plurals = [
        (
            "the item %(codes)s is on the platform: remove it from “missing”.",
            "the items %(codes)s are on the platform: remove them from “missing”.",
        ),
        (
            "%(where)s: the national framework has no item %(codes)s.",
            "%(where)s: the national framework has no items %(codes)s.",
        ),
    ]
    with translation.override("fr"):
        for singular, plural in plurals:
            assert ngettext(singular, plural, 1) != singular
            assert ngettext(singular, plural, 2) != plural


def test_the_item_page_says_to_be_confirmed_in_french():
    html = get(browser(), PACTE_URL + "engagements/06/")
    assert "à confirmer par l'éditeur" in plain(html)
    assert "à confirmer par l'éditeur" not in plain(get(browser(), PACTE_URL + "engagements/26/"))


# The other forms and the history ------------------------------------------------------------------------------


def test_the_general_form(client, draft):
    html = get(client, DRAFT_URL + "general/")
    assert re.search(r'name="missing" value="13, 20, 22, 23"', html), html
    data = draft.data
    response = client.post(
        DRAFT_URL + "general/",
        {
            "revision": 1,
            "version": "2026-bis",
            "year": 2026,
            "title": data["title"],
            "short_title": "",
            "source_url": data["source_url"],
            "description": data["description"],
            "missing": "13, 20",
        },
        **FRENCH,
    )
    assert (response.status_code, response["Location"]) == (302, DRAFT_URL)
    data = open_draft().data
    assert (data["version"], data["missing"], data["complete"]) == ("2026-bis", ["13", "20"], False)
    # An empty short title is the title's beginning, as in the files.
    assert drafts.draft_problems(open_draft()) == []


def head_form(data, revision, **changes):
    return {
        "revision": revision,
        "version": data["version"],
        "year": data["year"],
        "title": data["title"],
        "short_title": data.get("short_title", ""),
        "source_url": data["source_url"],
        "description": data["description"],
        "missing": ", ".join(data.get("missing") or []),
        **({"complete": "on"} if data.get("complete", True) else {}),
        **changes,
    }


def test_a_partial_framework_without_missing_codes_stays_partial_through_the_form():
    """The EGM charter is partial, with no known missing code."""
    egm = "/referentiels/egm-charte-commune-accueillante/brouillon/"
    client = browser(make_partner_coordinator("coordination@egm.example.org", partner="egm"))
    assert client.post(egm + "ouvrir/").status_code == 302
    draft = FrameworkDraft.objects.get(slug="egm-charte-commune-accueillante")
    assert draft.data["complete"] is False
    html = get(client, egm + "general/")
    assert not re.search(r'<input type="checkbox" name="complete"[^>]*checked', html), html
    response = client.post(egm + "general/", head_form(draft.data, 1, title="Charte révisée"), **FRENCH)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.data["title"], draft.data["complete"]) == ("Charte révisée", False)
    response = client.post(egm + "general/", head_form(draft.data, 2, complete="on"), **FRENCH)
    draft.refresh_from_db()
    assert draft.data["complete"] is True


def test_renaming_a_section_through_the_form_moves_its_items(client, draft):
    section = next(s for s in draft.data["sections"] if s["code"] == "M")
    html = get(client, DRAFT_URL + "sections/M/")
    assert re.search(r'name="code" value="M"', html)
    response = client.post(
        DRAFT_URL + "sections/M/",
        {"revision": 1, "code": "MES", "kind": section["kind"], "title": section["title"], "summary": ""},
        **FRENCH,
    )
    assert (response.status_code, response["Location"]) == (302, DRAFT_URL + "#sections")
    data = open_draft().data
    assert "MES" in [s["code"] for s in data["sections"]] and "M" not in [s["code"] for s in data["sections"]]
    assert item_of(data, "26")["section"] == "MES"
    assert not [item for item in data["items"] if item["section"] == "M"]
    assert client.get(DRAFT_URL + "sections/M/").status_code == 404


def test_the_history_page_lists_every_edit_with_its_author(client, filled):
    html = get(client, DRAFT_URL + "historique/")
    assert html.count("Léa Pacte") >= 2
    assert fr("Draft opened") in html
    assert fr("Item %(code)s saved", code="13") in html


def test_discarding_a_draft(client, draft):
    response = client.post(DRAFT_URL + "abandonner/", **FRENCH)
    assert (response.status_code, response["Location"]) == (302, PACTE_URL)
    assert not FrameworkDraft.objects.exists()
    assert client.get(DRAFT_URL).status_code == 404
    assert current().version == "2020"


def test_the_history_page_says_a_draft_was_discarded(client, draft):
    assert client.post(DRAFT_URL + "abandonner/", **FRENCH).status_code == 302
    assert client.post(DRAFT_URL + "ouvrir/", **FRENCH).status_code == 302
    html = get(client, DRAFT_URL + "historique/")
    history = html.split('class="history"', 1)[1].split("</ol>", 1)[0]
    # Newest first: the new draft, the discarded one, then its opening.
    assert history.count(fr("Draft opened")) == 2
    assert fr("Draft discarded") in history


NEWER_EDITOR_TEXTS = [
    "Draft discarded",
    "Every item of the official text is on the platform",
    "Leave unticked while items are missing, even if their codes are unknown.",
    "Their codes, separated by commas, when they are known.",
]


def test_the_editors_newer_texts_speak_french():
    with translation.override("fr"):
        assert [msgid for msgid in NEWER_EDITOR_TEXTS if gettext(msgid) == msgid] == []
