"""A campaign may offer a local version of a national framework: commitments to its items
count, on every national page and count, for the national items they stand for, and are
shown with their local wording on the commune's page."""

import csv
import io

import pytest

from campaigns import queries, services
from commitments.queries import item_commitments
from frameworks import drafts
from tests.support import browser

from .helpers import PACTE, add_list, framework, item, paper, take_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def local(group, member):
    """The Saint-Denis group's local Pacte: measure 26 reworded, plus a local item for 26 and 28."""
    draft = drafts.draft_open_local(national=framework(PACTE), group=group, user=member)

    def edit(data):
        data["title"] = "Pacte pour la Transition à Saint-Denis"
        drafts.item_set(
            data,
            "26",
            {
                **next(i for i in data["items"] if i["code"] == "26"),
                "title": "Un lieu d'accueil de jour à Saint-Denis",
            },
        )
        drafts.item_set(
            data,
            None,
            {
                "code": "L1",
                "section": "M",
                "title": "Un conseil local des personnes exilées",
                "summary": "La commune réunit chaque trimestre un conseil consultatif.",
                "themes": ["participation_citizenship"],
                "maps_to": ["26", "28"],
            },
        )

    draft = drafts.draft_change(draft=draft, revision=draft.revision, user=member, change="test", edit=edit)
    return drafts.draft_publish(draft=draft, revision=draft.revision, user=member)


@pytest.fixture
def local_campaign(coordinator, local):
    return services.campaign_create(
        user=coordinator,
        title="Suivi Saint-Denis",
        kind="election",
        frameworks=[framework(PACTE), local],
        organizers=[framework(PACTE).publisher],
    )


def _elected_local_bulletin(campaign, local, group, member, codes=("L1",)):
    target = take_on(campaign, group=group, user=member)
    candidate_list = add_list(target)
    paper(target, *codes, candidate_list=candidate_list, slug=local.slug)
    services.mark_elected(target=target, candidate_list=candidate_list)
    return target


def test_the_local_version_is_listed_under_its_national_framework(local):
    assert local.parent == framework(PACTE) and local.is_current
    page = browser().get(framework(PACTE).get_absolute_url()).content.decode()
    assert "Pacte pour la Transition à Saint-Denis" in page
    assert local.items.get(code="L1").national_items.count() == 2


def test_a_local_commitment_counts_for_the_national_items(local_campaign, local, group, member):
    _elected_local_bulletin(local_campaign, local, group, member)
    for code in ("26", "28"):
        panel = item_commitments(item(code))
        assert [entry.commune.code for entry in panel["communes"]] == ["93066"]
        assert panel["signatures_count"] == 1
    assert not item_commitments(item("01"))["communes"]
    page = browser().get(item("26").get_absolute_url()).content.decode()
    assert "Saint-Denis" in page


def test_campaign_filters_by_national_framework_and_item_include_local_versions(
    local_campaign, local, group, member
):
    _elected_local_bulletin(local_campaign, local, group, member)
    national = framework(PACTE)
    assert queries.campaign_targets(local_campaign, framework=national).count() == 1
    assert queries.campaign_targets(local_campaign, framework=national, item=item("28")).count() == 1
    assert not queries.campaign_targets(local_campaign, framework=national, item=item("01")).exists()


def test_the_export_gives_local_and_national_codes(local_campaign, local, group, member):
    _elected_local_bulletin(local_campaign, local, group, member, codes=("26", "L1"))
    text = b"".join(browser().get(local_campaign.get_absolute_url() + "export.csv").streaming_content)
    rows = list(csv.DictReader(io.StringIO(text.decode().lstrip("\ufeff")), delimiter=";"))
    signed = [row for row in rows if row["referentiel"] == local.slug]
    assert signed[0]["engagements"] == "26;L1"
    assert signed[0]["engagements_nationaux"] == "26;28"


def test_the_commune_page_shows_the_local_wording(local_campaign, local, group, member):
    _elected_local_bulletin(local_campaign, local, group, member, codes=("26", "L1"))
    page = browser().get("/communes/93066/").content.decode()
    assert "Un lieu d&#x27;accueil de jour à Saint-Denis" in page or "Un lieu d'accueil de jour" in page
    assert "Un conseil local des personnes exilées" in page
