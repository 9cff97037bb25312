"""Two coordinators edit the same organisation, or the same member's role, at once
(core.concurrency): the second save is refused with the current values, nothing is overwritten."""

import pytest

from actors.models import Membership
from core.tests.editing import assert_conflict, both_save
from tests.support import browser, make_group, make_user, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinators():
    alice, bruno = make_user("alice@example.org"), make_user("bruno@example.org")
    group = make_group("Accueil Saint-Denis", coordinator=alice)
    Membership.objects.create(user=bruno, organization=group, role=Membership.Role.COORDINATOR)
    return group, alice, bruno


def test_an_organisation_edited_in_two_browsers(coordinators):
    group, alice, bruno = coordinators
    url = f"/organisations/{group.slug}/modifier/"

    saved, refused = both_save(
        browser(alice),
        browser(bruno),
        url,
        {"name": "Accueil Saint-Denis", "description": "Permanence le samedi"},
        {"name": "Accueil Saint-Denis", "description": "Permanence le mardi"},
    )

    assert saved.status_code == 302
    assert_conflict(
        refused, "this organisation", current=["Permanence le samedi"], typed=["Permanence le mardi"]
    )
    group.refresh_from_db()
    assert group.description == "Permanence le samedi"


def test_a_role_changed_in_two_browsers(coordinators):
    group, alice, bruno = coordinators
    carla = make_user("carla@example.org", display_name="Carla")
    membership = Membership.objects.create(user=carla, organization=group)
    url = f"/organisations/{group.slug}/membres/{membership.pk}/role/"
    page = f"/organisations/{group.slug}/membres/"
    assert 'name="version" value="0"' in browser(alice).get(page).content.decode()

    saved = browser(alice).post(url, {"role": "coordinator", "version": "0"})
    refused = browser(bruno).post(url, {"role": "member", "version": "0"})

    assert saved.status_code == 302 and messages_of(saved) == ["Rôle modifié."]
    assert messages_of(refused) == [
        "Quelqu’un d’autre a modifié le rôle de Carla pendant que vous l’éditiez\u00a0: c’est maintenant "
        "«\u00a0coordination\u00a0» (vous aviez choisi «\u00a0membre\u00a0»). Choisissez de nouveau si besoin."
    ]
    membership.refresh_from_db()
    assert (membership.role, membership.version) == ("coordinator", 1)
