"""While the database cannot be reached, pages answer 503 with Retry-After and a short French
page rendered without the database; other faults still get the 500 page."""

import pytest
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


def _client_with_failing_page(monkeypatch, exc):
    from territories import views

    def broken(*args, **kwargs):
        raise exc

    monkeypatch.setattr(views, "render", broken)
    client = Client(raise_request_exception=False)
    return client


def test_an_unreachable_database_answers_503_with_retry_after(monkeypatch, settings):
    settings.DEBUG = False
    client = _client_with_failing_page(monkeypatch, OperationalError("connection refused"))
    # Even the page's own rendering must not query the database (it is down).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/regions/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Service momentanément indisponible" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert len(queries) == 0


def test_other_faults_still_answer_500(monkeypatch, settings):
    settings.DEBUG = False
    client = _client_with_failing_page(monkeypatch, RuntimeError("bug"))
    response = client.get("/regions/")
    assert response.status_code == 500
    assert "Une erreur est survenue" in response.content.decode()
    assert "Retry-After" not in response


def test_database_connections_are_health_checked():
    from django.conf import settings

    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
