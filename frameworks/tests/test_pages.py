"""The public pages of the frameworks: the list, a framework with its sections and theme
filter, an item with the communes committed to it, older versions, query counts."""

import pytest
from django.utils.html import escape

from frameworks.models import Framework
from frameworks.services import frameworks_load
from territories.models import Commune
from tests.support import browser, make_user

from .helpers import PACTE, commit, item_of, pacte_data, write

pytestmark = pytest.mark.django_db

PACTE_URL = "/referentiels/pacte-pour-la-transition/"


def item_url(code, slug=PACTE, version=None):
    if version:
        return f"/referentiels/{slug}/versions/{version}/engagements/{code}/"
    return f"/referentiels/{slug}/engagements/{code}/"


def load_version_2026(tmp_path):
    data = pacte_data()
    data["version"], data["year"] = "2026", 2026
    item_of(data, "26")["title"] = "Lieux de premier accueil, version 2026"
    frameworks_load([write(tmp_path, "pacte-2026.yaml", data)])


def get(url, status=200):
    response = browser().get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


# The list ----------------------------------------------------------------------------------


def test_list_shows_the_three_frameworks():
    html = get("/referentiels/")
    for framework in Framework.objects.current():
        assert f'href="{framework.get_absolute_url()}"' in html
        assert escape(framework.title) in html
    assert html.count('class="card"') == 3


def test_list_shows_only_current_versions(tmp_path):
    load_version_2026(tmp_path)
    html = get("/referentiels/")
    assert html.count('class="card"') == 3
    assert "/versions/2020/" not in html
    assert "2026" in html


# A framework ---------------------------------------------------------------------------------


def test_framework_page_groups_items_by_section():
    html = get(PACTE_URL)
    positions = [html.index(f'id="section-{code}"') for code in "abcm"]
    assert positions == sorted(positions)
    section_a, section_b, section_c, section_m = positions
    assert section_a < html.index(f'href="{item_url("A")}"') < section_b
    assert section_b < html.index(f'href="{item_url("B")}"') < section_c
    for code in ["01", "07", "26", "28"]:
        assert html.index(f'href="{item_url(code)}"') > section_m
    assert html.index(f'href="{item_url("01")}"') < html.index(f'href="{item_url("26")}"')
    assert html.count('class="item-code"') == Framework.objects.get(slug=PACTE, is_current=True).items.count()
    assert escape("Co-construction des politiques locales") in html


def test_framework_page_shows_the_incomplete_notice_and_the_official_link():
    framework = Framework.objects.get(slug=PACTE)
    html = get(PACTE_URL)
    assert 'class="notice"' in html
    assert ", ".join(framework.missing) in html
    assert html.count('href="https://www.pacte-transition.org/"') >= 2
    assert "Lire le texte officiel" in html


def test_a_complete_framework_has_no_notice(tmp_path):
    data = {
        "slug": "charte-complete",
        "title": "Charte complète",
        "publisher": "egm",
        "version": "1",
        "year": 2024,
        "source_url": "https://example.org/charte",
        "description": "Une charte complète.",
        "sections": [{"code": "S", "kind": "chapter", "title": "Engagements"}],
        "items": [{"code": "1", "section": "S", "title": "Accueillir", "summary": "Accueillir dignement."}],
    }
    frameworks_load([write(tmp_path, "complete.yaml", data)])
    html = get("/referentiels/charte-complete/")
    assert 'class="notice"' not in html
    assert 'href="https://example.org/charte"' in html


def test_theme_filter():
    html = get(PACTE_URL + "?theme=first_welcome")
    assert f'href="{item_url("26")}"' in html
    assert f'href="{item_url("01")}"' not in html
    assert html.count('class="item-code"') == 1
    assert 'id="section-a"' not in html and 'id="section-m"' in html
    assert 'value="first_welcome" selected' in html


def test_theme_filter_with_no_item_shows_no_section():
    html = get(PACTE_URL + "?theme=health")
    assert 'class="item-code"' not in html
    assert 'class="empty"' in html


def test_unknown_theme_is_ignored():
    html = get(PACTE_URL + "?theme=meteo")
    assert f'href="{item_url("01")}"' in html and f'href="{item_url("26")}"' in html
    assert html.count('class="item-code"') == Framework.objects.get(slug=PACTE, is_current=True).items.count()
    select = html.split('id="filter-theme"', 1)[1].split("</select>", 1)[0]
    assert " selected" not in select


def test_theme_options_count_the_framework_items_only():
    html = get(PACTE_URL)
    # first_welcome: one item of the Pacte (the charters have more, not counted here).
    assert 'value="first_welcome"' in html
    option = html.split('value="first_welcome"', 1)[1].split("</option>", 1)[0]
    assert "(1)" in option
    assert 'value="health"' not in html


def test_unknown_framework_is_404():
    get("/referentiels/inconnu/", status=404)
    get("/referentiels/pacte-pour-la-transition/versions/1999/", status=404)


def test_pages_refuse_post():
    assert browser().post(PACTE_URL).status_code == 405
    assert browser().post(item_url("26")).status_code == 405


# An item ---------------------------------------------------------------------------------------


def test_item_page():
    html = get(item_url("26"))
    assert escape("Dispositifs publics de premier accueil pour les personnes étrangères") in html
    assert "quel que soit son statut" in html
    assert f'href="{PACTE_URL}?theme=first_welcome"' in html
    assert f'href="{PACTE_URL}?theme=access_to_rights"' in html
    assert escape("Les 32 mesures") in html
    assert 'href="https://www.pacte-transition.org/"' in html


def test_item_page_lists_the_levels():
    html = get(item_url("07"))
    assert html.count("<li>") >= 3
    assert "100 % de produits bio" in html
    assert "Au moins 75 %" in html


def test_principle_item_page():
    html = get(item_url("A"))
    assert escape("Sensibiliser et former à la transition") in html


def test_unknown_item_is_404():
    get(item_url("99"), status=404)
    get(item_url("26", slug="anvita-charte"), status=404)
    get(item_url("26", slug="inconnu"), status=404)
    get(item_url("26", version="1999"), status=404)


# Versions ------------------------------------------------------------------------------------


def test_older_version_pages_after_a_new_version(tmp_path):
    load_version_2026(tmp_path)
    old_title = escape("Dispositifs publics de premier accueil pour les personnes étrangères")
    new_title = escape("Lieux de premier accueil, version 2026")

    current = get(PACTE_URL)
    assert new_title in current and old_title not in current
    assert f'href="{item_url("26")}"' in current
    assert f'href="{PACTE_URL}versions/2020/"' in current

    old = get(PACTE_URL + "versions/2020/")
    assert old_title in old and new_title not in old
    assert f'href="{item_url("26", version="2020")}"' in old
    assert f'href="{PACTE_URL}"' in old

    assert old_title in get(item_url("26", version="2020"))
    assert new_title in get(item_url("26"))
    assert new_title in get(item_url("26", version="2026"))
    assert new_title in get(PACTE_URL + "versions/2026/")


def test_a_single_version_lists_no_versions():
    assert "/versions/" not in get(PACTE_URL)


# Communes committed to an item ---------------------------------------------------------------------


def test_item_page_lists_the_communes_committed_for_their_mandate():
    from campaigns import services as campaigns

    framework = Framework.objects.get(slug=PACTE)
    commune = Commune.objects.get(code="93066")
    user = make_user("coordination@example.org")
    _campaign, target, candidate_list, _commitment = commit(framework, "93066", user=user)

    html = get(item_url("26"))
    assert f'href="{commune.get_absolute_url()}"' not in html

    campaigns.mark_elected(target=target, candidate_list=candidate_list)
    html = get(item_url("26"))
    assert f'href="{commune.get_absolute_url()}"' in html
    assert escape(commune.display_name) in html
    assert "2026–2032" in html and "Municipales 2026" in html
    # Not on another item's page.
    assert f'href="{commune.get_absolute_url()}"' not in get(item_url("01"))


# Query counts --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        PACTE_URL,
        PACTE_URL + "?theme=first_welcome",
        "/referentiels/egm-charte-commune-accueillante/",
        "/referentiels/anvita-charte/",
    ],
)
def test_framework_page_query_count_is_constant(url, django_assert_max_num_queries):
    # framework, sections, items, their themes, their levels, theme counts, versions, local versions.
    with django_assert_max_num_queries(8):
        browser().get(url)


def test_list_page_query_count(django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        browser().get("/referentiels/")


def test_item_page_query_count_is_constant(django_assert_max_num_queries):
    # Without commitments: framework, item, its themes, its levels, its local versions, two counts;
    # the follow-up panels: the voices' states, the barometer.
    with django_assert_max_num_queries(9):
        browser().get(item_url("26"))

    from campaigns import services as campaigns

    framework = Framework.objects.get(slug=PACTE)
    user = make_user("coordination@example.org")
    campaign = None
    communes = list(
        Commune.objects.filter(kind=Commune.Kind.COMMUNE, is_active=True)
        .order_by("code")
        .values_list("code", flat=True)[:3]
    )
    assert len(communes) == 3
    for code in communes:
        campaign, target, candidate_list, _commitment = commit(framework, code, user=user, campaign=campaign)
        campaigns.mark_elected(target=target, candidate_list=candidate_list)
    # With three communes: one more query for the page of communes; two more for their
    # sources (the bulletins' and the declarations' items, commitments.queries.item_commitments).
    with django_assert_max_num_queries(10 + 2):
        html = browser().get(item_url("26")).content.decode()
    for code in communes:
        assert f'href="{Commune.objects.get(code=code).get_absolute_url()}"' in html
