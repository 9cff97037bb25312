"""What a viewer may not see answers 404, exactly as what does not exist: an id (of an
import job, a commune in a campaign, an organisation) never tells whether it exists to
someone not allowed to see it. Pages of actions on what they may see keep their 403
(tests/permissions/test_matrix.py has every role)."""

import pytest
from django.urls import reverse

from campaigns import services
from campaigns.tests.helpers import add_list, csv_upload, line, make_campaign, take_on
from tests.support import browser, make_group, make_partner_coordinator, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    """A campaign of the EGM with Saint-Denis taken on by a group, a list, and a checked
    import job; its organisers, the group's coordinator, and someone else."""
    settings.MEDIA_ROOT = tmp_path
    organiser = make_partner_coordinator("coordination@example.org")
    coordinator = make_user("coordinator@example.org")
    group = make_group(coordinator=coordinator)
    campaign = make_campaign(organiser, organizers=("egm",))
    target = take_on(campaign, group=group, user=coordinator)
    add_list(target)
    _report, job = services.import_job_check(campaign=campaign, user=organiser, upload=csv_upload([line()]))
    base = f"/campagnes/{campaign.slug}/"
    return {
        "organiser": organiser,
        "coordinator": coordinator,
        "other": make_user("other@example.org"),
        # (page allowed, the same page of what does not exist, who may see it)
        "pages": {
            "import job": (f"{base}import/{job.pk}/", f"{base}import/{job.pk + 1000}/", organiser),
            "target history": (
                f"{base}communes/93066/historique/",
                f"{base}communes/01001/historique/",
                coordinator,
            ),
            "letter": (f"{base}communes/93066/lettre/", f"{base}communes/01001/lettre/", coordinator),
            "members": (
                f"/organisations/{group.slug}/membres/",
                "/organisations/inconnu/membres/",
                coordinator,
            ),
            "organisation history": (
                f"/organisations/{group.slug}/historique/",
                "/organisations/inconnu/historique/",
                coordinator,
            ),
        },
    }


@pytest.mark.parametrize(
    "page", ["import job", "target history", "letter", "members", "organisation history"]
)
def test_a_hidden_page_answers_as_a_missing_one(world, page):
    existing, missing, allowed = world["pages"][page]
    other = browser(world["other"])

    assert browser(allowed).get(existing).status_code == 200
    assert other.get(existing).status_code == other.get(missing).status_code == 404


def test_an_import_job_of_the_campaign_is_hidden_from_its_list_managers(world):
    """The group's coordinator manages Saint-Denis but not the campaign's imports."""
    existing, missing, _organiser = world["pages"]["import job"]
    coordinator = browser(world["coordinator"])

    assert coordinator.get(existing).status_code == coordinator.get(missing).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in_either_way(world):
    for existing, missing, _allowed in world["pages"].values():
        answers = [browser().get(url) for url in (existing, missing)]

        assert [answer.status_code for answer in answers] == [302, 302]
        assert all(answer["Location"].startswith(reverse("account_login")) for answer in answers)
