"""Public pages of territories: content, sorting, pagination, errors, query budgets."""

import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# Each public page runs a fixed number of SQL queries, whatever the data size (a city's
# page: 5 of its own, 1 for the commitments panel, 1 for the follow-up panel); + 2 for the
# commune page: the day the register of elected officials was imported (the mayor's line),
# and the declared commitments' items (the consolidated commitments, commitments.queries);
# + 1: the local groups acting there, with their member counts (actors' "act here" panel);
# + 1: the commune's follow-up committee, its member count and next public meeting in one
# query (coconstruction's panel).
MAX_QUERIES = 7 + 2 + 1 + 1


def get(client, url, django_assert_max_num_queries, **params):
    with django_assert_max_num_queries(MAX_QUERIES):
        return client.get(url, params)


def test_commune_page_shows_its_official_facts(client, django_assert_max_num_queries):
    response = get(client, "/communes/01001/", django_assert_max_num_queries)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>L&#x27;Abergement-Clémenciat" in html
    assert "01400" in html
    assert "776 habitants" in html

    assert "Ain (01)" in html
    assert "Auvergne-Rhône-Alpes" in html
    assert "mairieabergementclemenciat@gmail.com" in html
    assert "<svg" in html and 'class="map-commune"' in html
    assert response["Content-Language"] == "fr"


def test_large_populations_are_written_with_french_thousands_separators(client):
    html = client.get("/communes/93066/").content.decode()
    assert (
        "141\u202f441 habitants" in html or "141&nbsp;441 habitants" in html or "141\xa0441 habitants" in html
    )


def test_city_page_lists_its_arrondissements_and_their_postal_codes(client, django_assert_max_num_queries):
    html = get(client, "/communes/75056/", django_assert_max_num_queries).content.decode()
    assert "Paris 20e Arrondissement" in html
    assert "75001" in html and "75020" in html


def test_arrondissement_page_links_to_its_city(client, django_assert_max_num_queries):
    html = get(client, "/communes/13201/", django_assert_max_num_queries).content.decode()
    assert 'href="/communes/13055/"' in html


@pytest.mark.parametrize(
    "url", ["/communes/99999/", "/communes/01001x/", "/departements/00/", "/regions/99/"]
)
def test_unknown_territories_are_not_found(client, url):
    assert client.get(url).status_code == 404


def test_inactive_commune_is_not_found(client):
    from territories.models import Commune

    Commune.objects.filter(code="01001").update(is_active=False)
    assert client.get("/communes/01001/").status_code == 404


def test_department_page_lists_its_communes_paginated(client, django_assert_max_num_queries):
    response = get(client, "/departements/01/", django_assert_max_num_queries)
    page = response.context["page"]
    assert page.paginator.count > 300
    assert len(page.object_list) == 50
    html = response.content.decode()
    assert 'rel="next"' in html
    assert 'data-focus-department="01"' in html


def test_department_code_is_case_insensitive_for_corsica(client):
    assert client.get("/departements/2a/").status_code == 200
    assert client.get("/departements/2A/").context["department"].code == "2A"


@pytest.mark.parametrize(
    ("sort", "key", "reverse_order"),
    [("nom", "search_name", False), ("-nom", "search_name", True), ("code", "code", False)],
)
def test_department_communes_sort_by_name_and_code(client, sort, key, reverse_order):
    page = client.get("/departements/2A/", {"tri": sort}).context["page"]
    values = [getattr(commune, key) for commune in page.object_list]
    assert values == sorted(values, reverse=reverse_order)


def test_department_communes_sort_by_population_with_unknown_last(client):
    page = client.get("/departements/2A/", {"tri": "-population"}).context["page"]
    populations = [commune.population for commune in page.object_list]
    assert populations[0] == max(populations)
    assert populations == sorted(populations, reverse=True)


def test_unknown_sort_and_page_fall_back_safely(client):
    response = client.get("/departements/01/", {"tri": "drop table", "page": "999"})
    assert response.status_code == 200
    assert response.context["sort"] == "nom"
    assert response.context["page"].number == response.context["page"].paginator.num_pages


def test_sorted_column_is_announced(client):
    html = client.get("/departements/01/", {"tri": "-population"}).content.decode()
    assert 'aria-sort="descending"' in html


def test_region_page_lists_departments_and_communes(client, django_assert_max_num_queries):
    response = get(client, "/regions/94/", django_assert_max_num_queries)
    html = response.content.decode()
    assert "Corse-du-Sud (2A)" in html and "Haute-Corse (2B)" in html
    assert response.context["page"].paginator.count > 100


def test_region_list_groups_departments(client, django_assert_max_num_queries):
    html = get(client, "/regions/", django_assert_max_num_queries).content.decode()
    assert "La Réunion" in html and "Mayotte" in html


def test_home_page_offers_search_and_regions(client, django_assert_max_num_queries):
    html = get(client, "/", django_assert_max_num_queries).content.decode()
    assert 'role="search"' in html
    assert "/regions/84/" in html


def test_search_page_lists_results_with_departments(client, django_assert_max_num_queries):
    response = get(client, "/recherche/", django_assert_max_num_queries, q="saint denis")
    html = response.content.decode()
    assert "Saint-Denis" in html and "Seine-Saint-Denis (93)" in html and "La Réunion (974)" in html


def test_search_page_without_results_says_so(client):
    html = client.get("/recherche/", {"q": "xyzxyz"}).content.decode()
    assert "Aucune commune ne correspond" in html


def test_search_page_without_query_explains_what_to_type(client):
    response = client.get("/recherche/")
    assert response.status_code == 200
    assert response.context["page"] is None


def test_search_page_paginates_and_keeps_the_query(client):
    response = client.get("/recherche/", {"q": "saint"})
    assert response.context["page"].paginator.count > 20
    assert "q=saint&amp;page=2" in response.content.decode()


def test_national_map_page_lists_every_department(client, django_assert_max_num_queries):
    html = get(client, "/carte/", django_assert_max_num_queries).content.decode()
    assert "/departements/976/" in html and "/departements/2B/" in html
    assert reverse("territories:department_outlines") in html


def test_department_outlines_are_geojson_features(client, django_assert_max_num_queries):
    response = get(client, "/carte/departements.geojson", django_assert_max_num_queries)
    assert response["Content-Type"] == "application/geo+json"
    assert "max-age=3600" in response["Cache-Control"]
    data = json.loads(response.content)
    codes = {feature["properties"]["code"] for feature in data["features"]}
    assert {"01", "2A", "974"} <= codes
    ain = next(feature for feature in data["features"] if feature["properties"]["code"] == "01")
    assert ain["properties"]["communes_url"] == "/departements/01/communes.geojson"


def test_outlines_are_revalidated_with_an_etag(client):
    first = client.get("/carte/regions.geojson")
    again = client.get("/carte/regions.geojson", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_department_communes_are_points(client, django_assert_max_num_queries):
    response = get(client, "/departements/2A/communes.geojson", django_assert_max_num_queries)
    data = json.loads(response.content)
    assert len(data["features"]) > 100
    ajaccio = data["features"][0]
    assert ajaccio["properties"]["name"] == "Ajaccio"
    assert ajaccio["geometry"]["type"] == "Point"
    assert ajaccio["properties"]["url"] == "/communes/2A004/"


def test_sources_page_credits_official_producers(client):
    html = client.get("/sources/").content.decode()
    for producer in ["INSEE", "IGN", "DILA", "La Poste"]:
        assert producer in html


def test_pages_refuse_writes(client):
    assert client.post("/communes/01001/").status_code == 405


def test_english_is_available(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/communes/01001/").content.decode()
    assert "inhabitants" in html
