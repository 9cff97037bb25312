"""A request body over REQUEST_MAX_BYTES is refused with a French 413 page before it is read."""

import pytest
from django.test import override_settings

from tests.support import browser, make_user

pytestmark = pytest.mark.django_db


@override_settings(REQUEST_MAX_BYTES=1024)
def test_an_oversized_body_is_refused_before_anyone_reads_it(monkeypatch):
    from django.core.handlers.wsgi import WSGIRequest

    reads = []
    original = WSGIRequest._load_post_and_files
    monkeypatch.setattr(WSGIRequest, "_load_post_and_files", lambda self: reads.append(1) or original(self))
    user = make_user("grand@example.org")
    response = browser(user).post("/organisations/nouvelle/", {"name": "x" * 5000})
    assert response.status_code == 413
    assert reads == []
    html = response.content.decode()
    assert "Fichier trop volumineux" in html
    assert "Rien n’a été enregistré" in html or "Rien n'a été enregistré" in html


@override_settings(REQUEST_MAX_BYTES=1024 * 1024)
def test_a_body_under_the_bound_reaches_the_view():
    user = make_user("petit@example.org")
    response = browser(user).post("/organisations/nouvelle/", {"name": ""})
    assert response.status_code in (200, 302)


def test_the_default_bound_admits_the_largest_import_file():
    from django.conf import settings

    from campaigns.imports import MAX_BYTES

    assert settings.REQUEST_MAX_BYTES > MAX_BYTES
