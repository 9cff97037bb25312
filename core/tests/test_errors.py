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
