"""Two people edit the same thing of a campaign at once (core.concurrency): the second save
gets the conflict with the current values, nothing is overwritten; sent again, it is saved."""

import pytest

from campaigns import services
from campaigns.models import Campaign, Step
from core.tests.editing import assert_conflict, both_save, version_in
from tests.support import browser, make_user

from .helpers import framework, partner, today

pytestmark = pytest.mark.django_db


def test_a_candidate_list_edited_in_two_browsers(target, first, member):
    colleague = make_user("colleague@example.org")
    target.group.memberships.create(user=colleague, role="coordinator")
    url = target.get_absolute_url() + f"listes/{first.pk}/modifier/"
    mine = {"name": "Saint-Denis Ensemble", "head_name": "Marie Curie", "email": "marie@example.org"}
    theirs = {"name": "Saint-Denis Ensemble", "head_name": "Louise Michel", "email": "louise@example.org"}

    saved, refused = both_save(browser(member), browser(colleague), url, mine, theirs)

    assert saved.status_code == 302
    version = assert_conflict(
        refused,
        "this list",
        current=["Marie Curie", "marie@example.org"],
        typed=["Louise Michel", "louise@example.org"],
    )
    first.refresh_from_db()
    assert (first.head_name, first.email, first.version) == ("Marie Curie", "marie@example.org", 1)
    assert version == "1"
    # Sent again from the conflict's page (on the current version), it is saved knowingly.
    assert browser(colleague).post(url, {**theirs, "version": version}).status_code == 302
    first.refresh_from_db()
    assert (first.head_name, first.version) == ("Louise Michel", 2)


def test_a_step_corrected_in_two_browsers(target, member):
    step = services.step_add(target=target, kind=Step.Kind.LETTER, date=today(), notes="Envoyée", user=member)
    url = target.get_absolute_url() + f"journal/{step.pk}/modifier/"
    date = today().isoformat()
    one, two = browser(member), browser(member)

    saved, refused = both_save(
        one,
        two,
        url,
        {"kind": "letter", "date": date, "notes": "Relance faite"},
        {"kind": "letter", "date": date, "notes": "Pas de réponse"},
    )

    assert saved.status_code == 302
    assert_conflict(refused, "this step of the log", current=["Relance faite"], typed=["Pas de réponse"])
    step.refresh_from_db()
    assert step.notes == "Relance faite"


def test_a_campaign_edited_in_two_browsers(campaign, coordinator):
    url = f"/campagnes/{campaign.slug}/modifier/"
    data = {
        "frameworks": [framework().pk],
        "organizers": [partner().pk],
        "first_round": "2026-03-15",
        "mandate_start": 2026,
        "mandate_end": 2032,
        "letter_template": "",
        "is_open": "on",
    }

    saved, refused = both_save(
        browser(coordinator),
        browser(coordinator),
        url,
        {**data, "title": "Municipales 2026 (1)"},
        {**data, "title": "Municipales 2026 (2)"},
    )

    assert saved.status_code == 302
    assert_conflict(
        refused, "this campaign", current=["Municipales 2026 (1)"], typed=["Municipales 2026 (2)"]
    )
    assert Campaign.objects.get(pk=campaign.pk).title == "Municipales 2026 (1)"


def test_the_letters_sender_block_edited_in_two_browsers(target, first, member):
    page = target.get_absolute_url()
    url = page + "lettre/reglages/"
    data = {"letter_paragraph": "Nous tenons une permanence.", "contact_email": "contact@example.org"}

    saved, refused = both_save(
        browser(member),
        browser(member),
        url,
        {**data, "contact_name": "Nadia Benali"},
        {**data, "contact_name": "Karim Haddad"},
        page=page,
    )

    assert saved.status_code == 302
    version = assert_conflict(
        refused, "the letter's sender block", current=["Nadia Benali"], typed=["Karim Haddad"]
    )
    target.refresh_from_db()
    assert (target.contact_name, target.version, version) == ("Nadia Benali", 1, "1")
    # The working page carries the new version.
    assert version_in(browser(member).get(page)) == "1"


def test_an_import_correcting_a_list_moves_its_version_on(first):
    """A write that is not an edit form's refuses the forms opened before it too."""
    from core.concurrency import bump

    bump(type(first), [first.pk])
    first.refresh_from_db()
    assert first.version == 1
