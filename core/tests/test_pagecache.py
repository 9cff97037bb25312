"""The whole-page cache for anonymous visitors (core/pagecache.py): what is served from the
cache, what never is, versions, ETag and 304, languages and CSRF tokens."""

import re

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, RequestFactory

from core import csrf, pagecache
from territories.models import Commune
from tests.pagecache_support import anonymous_get, bump_now, page_cache  # noqa: F401
from tests.support import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

URL = "/communes/93066/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


def test_a_second_anonymous_request_is_served_from_the_cache_without_a_query():
    first, queries = anonymous_get(URL)
    assert first.status_code == 200 and queries > 0
    second, queries = anonymous_get(URL)
    assert second.status_code == 200
    assert queries == 0
    assert TOKEN.sub("", second.content.decode()) == TOKEN.sub("", first.content.decode())
    assert second["ETag"] == first["ETag"] and second["Last-Modified"] == first["Last-Modified"]
    assert "Cookie" in second["Vary"] and "Accept-Language" in second["Vary"]
    assert second["Cache-Control"] == "no-cache"
    # The stored headers come back: the strict policy, the language.
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["Content-Language"] == "fr"


def test_off_by_default_with_the_local_memory_cache(settings):
    settings.PAGE_CACHE = False
    anonymous_get(URL)
    _response, queries = anonymous_get(URL)
    assert queries > 0


def test_the_language_switch_gets_each_visitor_its_own_csrf_token_and_cookie():
    """The footer's form keeps its CSRF protection: the stored page holds no token."""
    anonymous_get(URL)
    one, two = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first, queries = anonymous_get(URL, one)
    second, _queries = anonymous_get(URL, two)
    assert queries == 0
    tokens = TOKEN.findall(first.content.decode()), TOKEN.findall(second.content.decode())
    assert tokens[0] and tokens[1] and tokens[0] != tokens[1]
    assert "csrftoken" in first.cookies and "csrftoken" in second.cookies
    assert b"pagecache" not in first.content
    for stored in cache._cache.values():  # the local-memory cache's pickled entries
        assert tokens[0][0].encode() not in stored and tokens[1][0].encode() not in stored
    # The token served from the cache works: the language switch goes through.
    response = one.post(
        "/i18n/setlang/", {"language": "en", "next": URL, "csrfmiddlewaretoken": tokens[0][0]}
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


def test_never_for_a_signed_in_user(client):
    anonymous_get(URL)
    client.force_login(make_user("alice@example.org"))
    _response, queries = anonymous_get(URL, client)
    assert queries > 0
    response, queries = anonymous_get(URL, client)
    assert queries > 0
    assert "Sign out" in response.content.decode() or "Se déconnecter" in response.content.decode()


def test_a_signed_in_page_is_never_stored_for_anonymous_visitors(client):
    client.force_login(make_user("alice@example.org"))
    client.get(URL)
    response, queries = anonymous_get(URL)
    assert queries > 0
    assert "alice" not in response.content.decode()


def test_never_with_a_message_waiting():
    anonymous_get(URL)
    browser = Client()
    browser.cookies["messages"] = "anything"
    _response, queries = anonymous_get(URL, browser)
    assert queries > 0


def test_a_page_showing_a_message_or_setting_a_cookie_is_not_stored():
    request = RequestFactory().get(URL)
    request.session = {}
    request._messages = FallbackStorage(request)
    assert pagecache.storable(request, HttpResponse("page"))
    request._messages.add(20, "Saved.")
    assert not pagecache.storable(request, HttpResponse("page"))
    request._messages = FallbackStorage(request)
    response = HttpResponse("page")
    response.set_cookie("other", "1")
    assert not pagecache.storable(request, response)
    assert not pagecache.storable(request, HttpResponse("page", status=404))


def test_if_none_match_gets_a_304():
    first, _queries = anonymous_get(URL)
    browser = Client()
    browser.cookies["csrftoken"] = first.cookies["csrftoken"].value
    response, queries = anonymous_get(URL, browser, HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 304 and queries == 0
    assert response.content == b""
    assert response["ETag"] == first["ETag"]
    response, _queries = anonymous_get(URL, browser, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert response.status_code == 304
    # Without the CSRF cookie its copy's token was made for, the visitor gets the page again.
    response, _queries = anonymous_get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 200


def test_head_is_answered_from_the_cache():
    first, _queries = anonymous_get(URL)
    response = Client().head(URL)
    assert response.status_code == 200 and response.content == b""
    assert response["ETag"] == first["ETag"]


def test_one_page_per_language():
    french, _queries = anonymous_get(URL)
    english, queries = anonymous_get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert queries > 0
    assert english["Content-Language"] == "en" and french["Content-Language"] == "fr"
    browser = Client()
    browser.cookies["django_language"] = "en"
    again, queries = anonymous_get(URL, browser)
    assert queries == 0 and again["Content-Language"] == "en"
    assert 'lang="en"' in again.content.decode()


def test_query_strings_are_pages_of_their_own():
    anonymous_get("/departements/93/")
    _response, queries = anonymous_get("/departements/93/?page=2")
    assert queries > 0
    _response, queries = anonymous_get("/departements/93/?page=2")
    assert queries == 0


def test_unregistered_pages_go_through():
    anonymous_get("/compte/login/")
    response, _queries = anonymous_get("/compte/login/")
    assert response.status_code == 200
    assert not response.has_header("ETag")
    assert not [key for key in cache._cache if key.startswith(":1:" + pagecache.PAGE_PREFIX)]


def test_a_bump_makes_the_page_render_again(django_capture_on_commit_callbacks):
    anonymous_get(URL)
    bump_now(django_capture_on_commit_callbacks, lambda: pagecache.bump("commune:93066"))
    _response, queries = anonymous_get(URL)
    assert queries > 0
    _response, queries = anonymous_get(URL)
    assert queries == 0
    bump_now(django_capture_on_commit_callbacks, lambda: pagecache.bump("commune:75056"))
    _response, queries = anonymous_get(URL)
    assert queries == 0  # another commune's scope


def test_bumps_wait_for_the_commit(django_capture_on_commit_callbacks):
    anonymous_get(URL)
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.bump("national")
        _response, queries = anonymous_get(URL, commit=False)
        assert queries == 0  # not committed yet: the old page stands
    _response, queries = anonymous_get(URL)
    assert queries > 0


def test_an_evicted_version_never_brings_back_an_old_page():
    anonymous_get(URL)
    cache.delete(pagecache.VERSION_PREFIX + "commune:93066")
    _response, queries = anonymous_get(URL)
    assert queries > 0


def test_a_registered_model_bumps_on_save(django_capture_on_commit_callbacks):
    commune = Commune.objects.get(code="93066")
    anonymous_get(URL)
    commune.name = "Saint-Denis-sur-Seine"
    bump_now(django_capture_on_commit_callbacks, commune.save)
    response, _queries = anonymous_get(URL)
    assert "Saint-Denis-sur-Seine" in response.content.decode()


def test_scopes_of_a_path():
    assert pagecache.page_scopes("/communes/93066/") == ["commune:93066", "national"]
    assert pagecache.page_scopes("/departements/2a/") == ["department:2A", "national"]
    assert pagecache.page_scopes("/compte/login/") is None
    assert "territories:commune" in pagecache.registered_pages()


def test_the_page_is_kept_in_the_process_and_a_bump_by_another_server_shows_at_once():
    anonymous_get(URL)
    key = next(iter(pagecache._memory))
    cache.delete(key)  # the shared copy is gone: only this process's copy is served
    second, queries = anonymous_get(URL)
    assert second.status_code == 200 and queries == 0
    # Another server bumps the commune: its new version is read from the shared cache.
    cache.set(pagecache.VERSION_PREFIX + "commune:93066", "from-another-server", timeout=None)
    _third, queries = anonymous_get(URL)
    assert queries > 0  # rendered again
    assert pagecache._memory[key]["versions"].count("from-another-server") == 1


def test_the_process_keeps_a_bounded_number_of_pages(settings):
    settings.PAGE_CACHE_LOCAL_ENTRIES = 2
    for code in ("93066", "01001", "69123"):
        anonymous_get(f"/communes/{code}/")
    assert len(pagecache._memory) == 2


def test_a_visitor_token_is_a_masked_csrf_secret():
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, _unmask_cipher_token

    request = RequestFactory().get(URL)
    first, second = csrf.visitor_token(request), csrf.visitor_token(request)
    secret = request.META["CSRF_COOKIE"]
    assert len(secret) == 32 and set(secret) <= set(CSRF_ALLOWED_CHARS)
    assert first != second and _unmask_cipher_token(first) == _unmask_cipher_token(second) == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
