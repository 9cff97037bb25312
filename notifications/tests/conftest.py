"""The cast of the notifications' tests: Saint-Denis (93066) and L'Abergement-Clémenciat
(01001) committed to items of the Pacte; Saint-Denis's verified municipal contact and a
member of its local group post updates; followers of the communes, of an item and of
the group are told (followup's event source, the only one so far)."""

import pytest

from followup.models import Voice
from followup.tests.conftest import member_of, verified_contact
from followup.tests.helpers import commit, commune, item, post
from notifications import services
from tests.support import make_group, make_user


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://hospitalite.example.org"


@pytest.fixture
def committed(db):
    """Saint-Denis committed to items 26 and 01, L'Abergement-Clémenciat to item 26."""
    commit("26", "01")
    commit("26", code="01001", reference="2026-007")


@pytest.fixture
def group(db):
    return make_group("Accueil Saint-Denis", coordinator=make_user("fondatrice@example.org"))


@pytest.fixture
def mayor(db):
    return verified_contact(
        make_user("adjointe@saint-denis.example.org", display_name="Nadia Adjointe"), "93066"
    )


@pytest.fixture
def other_mayor(db):
    return verified_contact(make_user("maire@abergement.example.org", display_name="Marc Maire"), "01001")


@pytest.fixture
def member(group):
    return member_of(group, "awa@example.org", display_name="Awa")


def follower(email, *targets, frequency=None, **fields):
    """A person who follows these targets (and chose this frequency, if any)."""
    user = make_user(email, **fields)
    for target in targets:
        services.follow(user=user, target=target)
    if frequency:
        services.preference_set(user=user, frequency=frequency)
    return user


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Post an update as the application does, and run what waits for the commit (the
    fan-out, and with the immediate task backend of the tests, the emails)."""

    def run(user, code="26", voice=Voice.MUNICIPALITY, commune_code="93066", **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return post(user, item(code), voice, code=commune_code, **fields)

    return run


__all__ = ["commune", "follower", "item"]
