"""One's profile edited in two browsers at once (core.concurrency)."""

import pytest

from core.tests.editing import assert_conflict, both_save
from tests.support import browser, make_user

pytestmark = pytest.mark.django_db


def test_a_profile_edited_in_two_browsers():
    user = make_user("nadia@example.org", display_name="Nadia")

    saved, refused = both_save(
        browser(user),
        browser(user),
        "/compte/profil/",
        {"display_name": "Nadia B.", "language": "fr"},
        {"display_name": "Nadia Benali", "language": "fr"},
    )

    assert saved.status_code == 302
    assert_conflict(refused, "your profile", current=["Nadia B."], typed=["Nadia Benali"])
    user.refresh_from_db()
    assert (user.display_name, user.version) == ("Nadia B.", 1)
