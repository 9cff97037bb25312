"""Security headers and the promise of no third-party request from our pages."""

import re

import pytest

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/communes/01001/",
    "/departements/01/",
    "/regions/84/",
    "/carte/",
    "/recherche/?q=paris",
    "/sources/",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_send_a_strict_content_security_policy(client, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("url", PAGES)
def test_pages_load_nothing_from_another_origin_and_run_no_inline_script(client, url):
    html = client.get(url).content.decode()
    loaded = re.findall(r'<(?:script|img|iframe|source|video|audio)[^>]*\ssrc="([^"]+)"', html)
    loaded += re.findall(
        r'<link[^>]*rel="(?:stylesheet|icon|preload|modulepreload)"[^>]*href="([^"]+)"', html
    )
    assert loaded, "the page should load at least its own stylesheet"
    assert [address for address in loaded if not address.startswith("/")] == []
    inline = [
        body for body in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S) if body.strip()
    ]
    json_only = re.findall(r'<script[^>]*type="application/(?:ld\+)?json"', html)
    assert len(inline) == len(json_only)
    assert " style=" not in html


def test_map_tile_server_is_off_unless_configured(client):
    html = client.get("/carte/").content.decode()
    assert "data-tile-url" not in html
