"""The follow-up on cached pages (core/pagecache.py): an update posted, then hidden by a
moderator, shows at once on the commune's page and on the item's page."""

import pytest

from followup.models import Status, Voice
from moderation import services as moderation
from tests.pagecache_support import anonymous_get, bump_now, page_cache  # noqa: F401

from .helpers import item, post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

COMMUNE = "/communes/93066/"


def test_an_update_shows_at_once_on_the_commune_and_item_pages(
    committed, member, moderator, django_capture_on_commit_callbacks
):
    item_url = item("26").get_absolute_url()
    before = anonymous_get(COMMUNE, HTTP_ACCEPT_LANGUAGE="en")[0].content.decode()
    item_before = anonymous_get(item_url, HTTP_ACCEPT_LANGUAGE="en")[0].content.decode()
    assert "No update yet." in before
    assert anonymous_get(COMMUNE, HTTP_ACCEPT_LANGUAGE="en")[1] == 0  # cached

    update = bump_now(
        django_capture_on_commit_callbacks,
        lambda: post(member, item("26"), Voice.CIVIL_SOCIETY, status=Status.IN_PROGRESS, progress=40),
    )

    after, queries = anonymous_get(COMMUNE, HTTP_ACCEPT_LANGUAGE="en")
    assert queries > 0
    assert "1 update so far" in after.content.decode()
    item_after = anonymous_get(item_url, HTTP_ACCEPT_LANGUAGE="en")[0].content.decode()
    assert item_after != item_before

    bump_now(
        django_capture_on_commit_callbacks,
        lambda: moderation.content_hide(content=update, moderator=moderator, reason="Spam"),
    )
    assert "No update yet." in anonymous_get(COMMUNE, HTTP_ACCEPT_LANGUAGE="en")[0].content.decode()
