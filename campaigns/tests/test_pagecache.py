"""Campaigns on cached pages (core/pagecache.py): taking a commune on, a list, a bulletin
and a campaign's edit show at once on the campaign's page, its map data, the campaigns'
list and the commune's page."""

import json

import pytest

from tests.pagecache_support import anonymous_get, bump_now, page_cache  # noqa: F401

from .helpers import add_list, paper, take_on

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

COMMUNE = "/communes/93066/"


def _html(url):
    return anonymous_get(url)[0].content.decode()


def test_a_commune_taken_on_shows_at_once(campaign, group, member, django_capture_on_commit_callbacks):
    page, map_data = f"/campagnes/{campaign.slug}/", f"/campagnes/{campaign.slug}/carte.json"
    assert "Saint-Denis" not in _html(page)
    assert json.loads(_html(map_data))["points"] == []
    commune_before = _html(COMMUNE)
    assert campaign.title not in commune_before
    assert anonymous_get(page)[1] == 0 and anonymous_get(map_data)[1] == 0  # cached

    target = bump_now(django_capture_on_commit_callbacks, lambda: take_on(campaign, group=group, user=member))

    assert "Saint-Denis" in _html(page)
    assert len(json.loads(_html(map_data))["points"]) == 1
    assert campaign.title in _html(COMMUNE)

    # A list, then a signed bulletin: the commune's page and the campaign's counts change.
    before = _html(COMMUNE), _html(page), _html(map_data)
    bump_now(django_capture_on_commit_callbacks, lambda: add_list(target))
    assert "Saint-Denis Ensemble" in _html(COMMUNE)
    bump_now(django_capture_on_commit_callbacks, lambda: paper(target, candidate_list=target.lists.get()))
    after = _html(COMMUNE), _html(page), _html(map_data)
    assert all(new != old for new, old in zip(after, before, strict=True))


def test_a_campaign_renamed_shows_at_once_everywhere(campaign, target, django_capture_on_commit_callbacks):
    pages = [f"/campagnes/{campaign.slug}/", "/campagnes/", COMMUNE]
    for url in pages:
        assert campaign.title in _html(url)

    def rename():
        campaign.title = "Municipales de printemps"
        campaign.save()

    bump_now(django_capture_on_commit_callbacks, rename)
    for url in pages:
        assert "Municipales de printemps" in _html(url), url


def test_another_commune_taken_on_refreshes_the_list_not_the_commune_pages(
    campaign, target, django_capture_on_commit_callbacks
):
    _html("/campagnes/")
    _html(COMMUNE)
    assert anonymous_get("/campagnes/")[1] == 0
    bump_now(django_capture_on_commit_callbacks, lambda: take_on(campaign, code="01001"))
    assert anonymous_get("/campagnes/")[1] > 0
    assert anonymous_get(COMMUNE)[1] == 0  # Saint-Denis's page shows nothing of L'Abergement
