"""Error pages speak French and keep the site's layout."""

import pytest

pytestmark = pytest.mark.django_db


def test_unknown_page_gets_the_french_404_page(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html
    assert 'class="site-header"' in html


def test_refused_action_gets_the_french_403_page(client):
    from tests.support import browser, make_user

    user = make_user("curieux@example.org")
    response = browser(user).get("/organisations/a-valider/")
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_a_refusal_is_logged_at_info_level_without_traceback(client, caplog):
    """Any signed-in user can ask for pages they may not see: each refusal is one info line,
    not a warning with a traceback that would flood the logs."""
    import logging

    from tests.support import browser, make_user

    user = make_user("curieux@example.org")
    with caplog.at_level(logging.INFO, logger="django.request"):
        assert browser(user).get("/organisations/a-valider/").status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].levelno == logging.INFO
    assert records[0].exc_info is None
    assert "Forbidden" in records[0].getMessage()


def test_a_refusal_is_not_logged_at_the_default_warning_level(client, caplog):
    import logging

    from tests.support import browser, make_user

    user = make_user("curieux@example.org")
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert browser(user).get("/organisations/a-valider/").status_code == 403
    assert not [r for r in caplog.records if r.name == "django.request"]


def test_server_errors_keep_their_level_and_traceback():
    import logging

    from core.log_filters import ClientErrorsAtInfo

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), exc_info
    )
    record.status_code = 500
    assert ClientErrorsAtInfo().filter(record)
    assert record.levelno == logging.ERROR and record.exc_info is exc_info
