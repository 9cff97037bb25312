"""Frameworks on cached pages (core/pagecache.py): an item's text changed, and a commune
committing to it, show at once on the framework's and the item's pages."""

import pytest

from campaigns.tests.helpers import PACTE
from followup.tests.helpers import commit, item
from frameworks.models import Framework
from tests.pagecache_support import anonymous_get, bump_now, page_cache  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def _html(url):
    return anonymous_get(url)[0].content.decode()


@pytest.fixture
def pacte():
    return Framework.objects.get(slug=PACTE, is_current=True)


def test_an_item_changed_shows_at_once(pacte, django_capture_on_commit_callbacks):
    item = pacte.items.order_by("position").first()
    pages = [f"/referentiels/{PACTE}/", item.get_absolute_url(), "/referentiels/"]
    for url in pages:
        _html(url)
        assert anonymous_get(url)[1] == 0  # cached

    def retitle():
        item.title = "Un titre tout neuf pour cet engagement"
        item.save()

    bump_now(django_capture_on_commit_callbacks, retitle)
    assert "Un titre tout neuf pour cet engagement" in _html(pages[0])
    assert "Un titre tout neuf pour cet engagement" in _html(pages[1])


def test_a_commune_committing_shows_at_once_on_the_item_page(django_capture_on_commit_callbacks):
    url = item("26").get_absolute_url()
    assert "Saint-Denis" not in _html(url)
    assert anonymous_get(url)[1] == 0

    bump_now(django_capture_on_commit_callbacks, lambda: commit("26"))  # a council's deliberation

    assert "Saint-Denis" in _html(url)
