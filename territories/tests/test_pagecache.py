"""Territories on cached pages (core/pagecache.py): the commune, department and region
pages, the maps' GeoJSON and the search API are served from the cache, and a commune's
change shows at once on each."""

import json

import pytest

from territories.models import Commune, ImportRun
from tests.pagecache_support import anonymous_get, bump_now, page_cache  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

PAGES = [
    "/communes/93066/",
    "/departements/93/",
    "/regions/11/",
    "/departements/93/communes.geojson",
    "/api/v1/communes?q=saint&limit=8",
    "/api/v1/communes/93066",
]


def test_the_public_pages_are_served_from_the_cache():
    for url in PAGES + ["/carte/", "/regions/", "/carte/departements.geojson", "/recherche/?q=saint"]:
        first, queries = anonymous_get(url)
        assert first.status_code == 200 and queries > 0, url
        second, queries = anonymous_get(url)
        assert second.status_code == 200 and queries == 0, url
        assert second["ETag"] == first["ETag"]


def test_a_commune_renamed_shows_at_once_on_every_page(django_capture_on_commit_callbacks):
    for url in PAGES:
        anonymous_get(url)
    commune = Commune.objects.get(code="93066")

    def rename():
        commune.name = "Saint-Denis-la-Neuve"
        commune.save()

    bump_now(django_capture_on_commit_callbacks, rename)
    for url in PAGES:
        response, queries = anonymous_get(url)
        assert queries > 0, url
        # The region's first page of communes (by name) does not reach the S.
        assert url == "/regions/11/" or "Saint-Denis-la-Neuve" in response.content.decode(), url
    assert any(
        feature["properties"].get("name") == "Saint-Denis-la-Neuve"
        for feature in json.loads(anonymous_get(PAGES[3])[0].content)["features"]
    )


def test_an_import_refreshes_every_page(django_capture_on_commit_callbacks):
    """territories_import writes in bulk and ends with an ImportRun: every page renders again."""
    for url in PAGES:
        anonymous_get(url)
    run = ImportRun.objects.first()
    bump_now(django_capture_on_commit_callbacks, lambda: run.save())
    for url in PAGES:
        assert anonymous_get(url)[1] > 0, url
