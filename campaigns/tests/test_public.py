"""What the public sees of campaigns on other apps' pages (the commune page, the item page
of a framework), and the cost in queries of the public pages."""

import csv
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns import services
from campaigns.models import Campaign, CandidateList, Target
from commitments.models import Commitment, MandateCommitment
from territories.models import Commune
from tests.support import browser

from .helpers import (
    ANVITA,
    PACTE,
    add_list,
    fr,
    framework,
    item,
    make_campaign,
    paper,
    take_on,
    today,
)

pytestmark = pytest.mark.django_db

# Queries of the pages, measured (see each test). Tight on purpose: a new query on these
# pages should be a decision, not an accident.
# The campaign page: the campaign (+ its frameworks, its organisers), the counts, the paginator's
# count, the page of targets, their lists, their active bulletins.
CAMPAIGN_PAGE_QUERIES = 8
EMPTY_CAMPAIGN_PAGE_QUERIES = 5  # no target: no page, nothing to prefetch
# The commune page: the commune, its postal codes, its arrondissements, the mandates, then
# (the panel of campaigns) the targets, their lists, their bulletins and their items; the
# follow-up panel: the committed items (and, when there are some, the updates' count).
# What the commune committed to is one consolidated view (commitments.queries.commune_commitments):
# it reads the items of the bulletins for the mandate and those of the declared commitments
# (one query more than the mandates alone), and the mayor's line the day the register of
# elected officials was imported (one more); with a mandate, the declared items' query takes
# the place of the mandates'.
CONSOLIDATED_COMMUNE_QUERIES = 2
# The panel of the local groups acting in the commune ("Un groupe agit déjà ici"): one query.
GROUPS_PANEL_QUERIES = 1
# The follow-up committee's panel (coconstruction): one query, committee or not.
COMMITTEE_PANEL_QUERIES = 1
COMMUNE_PAGE_WITHOUT_CAMPAIGN_QUERIES = (
    6 + CONSOLIDATED_COMMUNE_QUERIES + GROUPS_PANEL_QUERIES + COMMITTEE_PANEL_QUERIES
)
COMMUNE_PAGE_QUERIES = 9 + CONSOLIDATED_COMMUNE_QUERIES + GROUPS_PANEL_QUERIES + COMMITTEE_PANEL_QUERIES
# + the items of the mandates' bulletins and the national items they stand for
COMMUNE_PAGE_WITH_MANDATE_QUERIES = (
    12 + CONSOLIDATED_COMMUNE_QUERIES - 1 + GROUPS_PANEL_QUERIES + COMMITTEE_PANEL_QUERIES
)
# The item page: the framework, the item, its themes, its levels, the count of signatures and
# of mandates, the page of mandates.
# Then the follow-up panels: the voices' states, the communes where it moved, the barometer.
# The communes committed are counted with those whose declaration awaits a confirmation
# (one aggregate in place of the paginator's count), then their sources are read: the
# bulletins' and the declarations' items (two more).
ITEM_PAGE_QUERIES = 10 + 2  # with the local versions that stand for it
# The target page: the campaign (+ frameworks, organisers), the target, its lists, their
# bulletins and items, the municipality's bulletins.
TARGET_PAGE_QUERIES = 8


@pytest.fixture
def campaign(coordinator):
    """The campaign of conftest.py, without a date for its first round."""
    return make_campaign(coordinator, frameworks=(PACTE, ANVITA))


@pytest.fixture
def elected(first):
    """The first list of conftest.py, the elected one where a test records the result."""
    return first


@pytest.fixture
def beaten(second):
    """The second list of conftest.py."""
    return second


def queries_of(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


# The commune page -----------------------------------------------------------------------


def test_the_commune_page_shows_campaigns_lists_signatories_and_commitments(
    campaign, target, elected, beaten, coordinator
):
    paper(target, "A", "07", candidate_list=elected, name="Marie Curie", role="tête de liste")
    withdrawn = paper(
        target, "1", candidate_list=beaten, slug=ANVITA, name="Louise Michel", role="colistière"
    )
    services.commitment_withdraw(commitment=withdrawn)
    paper(target, "B", candidate_list=beaten, name="Louise Michel", role="tête de liste")
    services.mark_elected(target=target, candidate_list=elected)
    mid = make_campaign(coordinator, title="Mi-mandat 2029", kind=Campaign.Kind.MID_MANDATE)
    services.deliberation_record(
        target=take_on(mid, user=coordinator),
        framework=framework(),
        choices=[(item("26"), None, "")],
        reference="DEL-2029-001",
        adopted_on=today(),
    )
    response = browser().get("/communes/93066/")
    assert response.status_code == 200
    html = response.content.decode()
    panel = html.split('id="campaigns-title"', 1)[1]
    # The campaigns, their status and group.
    assert "Municipales 2026" in panel and "Mi-mandat 2029" in panel
    assert target.get_absolute_url() in panel
    assert str(Target.Status.COMMITTED.label).capitalize() in panel
    assert "Accueil Saint-Denis" in panel
    # The lists and the signatories, with their items.
    assert "Saint-Denis Ensemble (Marie Curie)" in panel and "Autre Saint-Denis (Louise Michel)" in panel
    assert "louise@example.org" not in html
    assert "Marie Curie (tête de liste)" in panel and "Louise Michel (tête de liste)" in panel
    assert "(A, 07)" in panel and "(B)" in panel
    assert "colistière" not in panel  # withdrawn
    # The commitments for the mandate: the elected list's and the deliberation.
    mandates = panel.split(target.get_absolute_url(), 1)[0]
    assert framework().title in mandates
    assert "2026–2032" in mandates
    assert "DEL-2029-001" in mandates
    assert item("A").get_absolute_url() in mandates and item("07").get_absolute_url() in mandates
    assert item("26").get_absolute_url() in mandates
    assert item("B").get_absolute_url() not in mandates  # the beaten list's


def test_the_commune_page_without_campaign(campaign):
    html = browser().get("/communes/97411/").content.decode()
    assert fr("This commune has not been part of a campaign yet.") in html


# The item page -----------------------------------------------------------------------------


def test_the_item_page_lists_the_communes_committed_for_the_mandate(
    campaign, target, elected, beaten, member
):
    paper(target, "07", candidate_list=elected)
    paper(target, "07", "A", candidate_list=beaten)
    other = take_on(campaign, "97411", group=target.group, user=member)
    other_list = add_list(other, name="Liste de La Réunion")
    paper(other, "07", candidate_list=other_list)  # signed, not (yet) elected
    url = item("07").get_absolute_url()
    assert url == "/referentiels/pacte-pour-la-transition/engagements/07/"
    html = browser().get(url).content.decode()
    assert fr("No commune has committed to this item for its mandate yet.") in html
    services.mark_elected(target=target, candidate_list=elected)
    html = browser().get(url).content.decode()
    panel = html.split('id="item-communes-title"', 1)[1]
    assert "/communes/93066/" in panel and "2026–2032" in panel and "Municipales 2026" in panel
    assert "/communes/97411/" not in panel
    signatures = panel.split("</ul>", 1)[1].split("</section>", 1)[0]
    assert re.search(r"\b3\b", signatures)  # signed by three lists, committed for one mandate
    # A withdrawal takes the commune off.
    services.commitment_withdraw(commitment=elected.commitments.get())
    panel = browser().get(url).content.decode().split('id="item-communes-title"', 1)[1]
    assert "/communes/93066/" not in panel
    # Another item of the elected list's bulletin is not this one.
    assert "/communes/93066/" not in browser().get(item("A").get_absolute_url()).content.decode()


# Queries --------------------------------------------------------------------------------------


def _targets(campaign, count, coordinator):
    """`count` targets, each with a list and an active signed bulletin of two items."""
    communes = list(
        Commune.objects.filter(kind=Commune.Kind.COMMUNE, is_active=True).order_by("code")[:count]
    )
    targets = Target.objects.bulk_create(
        Target(campaign=campaign, commune=commune, created_by=coordinator, status=Target.Status.COMMITTED)
        for commune in communes
    )
    lists = CandidateList.objects.bulk_create(
        CandidateList(target=target, name=f"Liste {target.commune.code}", head_name="Tête")
        for target in targets
    )
    Commitment.objects.bulk_create(
        Commitment(
            target=target,
            candidate_list=candidate_list,
            framework=framework(),
            channel=Commitment.Channel.PAPER,
            signatory_name="Signataire",
            signatory_role="tête de liste",
            signed_on=today(),
        )
        for target, candidate_list in zip(targets, lists, strict=True)
    )
    return targets


def test_the_campaign_page_without_target(campaign, django_assert_num_queries):
    client = browser()
    with django_assert_num_queries(EMPTY_CAMPAIGN_PAGE_QUERIES):
        assert client.get(campaign.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("count", [5, 60])
def test_the_campaign_page_costs_the_same_whatever_its_targets(
    campaign, coordinator, count, django_assert_max_num_queries
):
    _targets(campaign, count, coordinator)
    client = browser()
    with django_assert_max_num_queries(CAMPAIGN_PAGE_QUERIES):
        response = client.get(campaign.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count("Signataire") == min(count, 50)


def test_the_commune_page_without_campaign_queries(django_assert_num_queries):
    client = browser()
    with django_assert_num_queries(COMMUNE_PAGE_WITHOUT_CAMPAIGN_QUERIES):
        assert client.get("/communes/93066/").status_code == 200


@pytest.mark.parametrize("campaigns", [1, 4])
def test_the_commune_page_costs_the_same_whatever_its_campaigns(
    campaign, coordinator, target, elected, beaten, campaigns, django_assert_max_num_queries
):
    paper(target, "A", candidate_list=elected)
    paper(target, "A", "B", "C", "01", "02", candidate_list=beaten)
    for number in range(campaigns - 1):
        other = take_on(make_campaign(coordinator, title=f"Campagne {number}"), user=coordinator)
        for index in range(3):
            candidate_list = add_list(other, name=f"Liste {index}", head_name="Tête")
            paper(other, "A", "07", "26", candidate_list=candidate_list)
    with django_assert_max_num_queries(COMMUNE_PAGE_QUERIES):
        response = browser().get("/communes/93066/")
    assert response.content.decode().count('/communes/93066/"><strong>') == campaigns


@pytest.mark.parametrize("codes", [("A", "B"), ("A", "B", "C", "01", "02", "03", "04", "05", "07", "26")])
def test_the_commune_page_with_a_mandate_costs_the_same_whatever_its_items(
    target, elected, codes, django_assert_max_num_queries
):
    paper(target, *codes, candidate_list=elected)
    services.mark_elected(target=target, candidate_list=elected)
    with django_assert_max_num_queries(COMMUNE_PAGE_WITH_MANDATE_QUERIES):
        response = browser().get("/communes/93066/")
    assert item(codes[-1]).get_absolute_url() in response.content.decode()


@pytest.mark.parametrize("codes", [("A", "B"), ("A", "B", "C", "01", "02", "03", "04", "05", "07", "26")])
def test_the_target_page_costs_the_same_whatever_its_items(
    target, elected, codes, django_assert_max_num_queries
):
    paper(target, *codes, candidate_list=elected)
    with django_assert_max_num_queries(TARGET_PAGE_QUERIES):
        assert browser().get(target.get_absolute_url()).status_code == 200


def test_the_item_page_costs_the_same_whatever_its_communes(
    campaign, coordinator, django_assert_max_num_queries
):
    url = item("07").get_absolute_url()
    client = browser()
    for number, code in enumerate(["93066", "97411", "75056", "01001"]):
        target = take_on(campaign, code, user=coordinator)
        candidate_list = add_list(target, name="Liste", head_name="Tête")
        paper(target, "07", "A", candidate_list=candidate_list)
        services.mark_elected(target=target, candidate_list=candidate_list)
        with django_assert_max_num_queries(ITEM_PAGE_QUERIES):
            response = client.get(url)
        assert response.content.decode().count("2026–2032") == number + 1
    assert queries_of(client, url) == ITEM_PAGE_QUERIES


def test_the_map_data_is_one_query_for_the_points(campaign, coordinator, django_assert_num_queries):
    _targets(campaign, 30, coordinator)
    with django_assert_num_queries(4):  # the campaign (+ frameworks, organisers), the points
        response = browser().get(campaign.get_absolute_url() + "carte.json")
    assert len(response.json()["points"]) == 30


def test_exports_never_carry_formulas(campaign, target, first):
    paper(target, "A", candidate_list=first, name='=HYPERLINK("http://evil.example","clic")', role="+tête")
    text = b"".join(browser().get(campaign.get_absolute_url() + "export.csv").streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    signed = next(row for row in rows if row["signataire"])
    assert signed["signataire"].startswith("'=HYPERLINK") and signed["qualite"] == "'+tête"
    content = b"".join(browser().get(campaign.get_absolute_url() + "export.xlsx").streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert not any(isinstance(value, str) and value.startswith("=") for value in values)
    assert any(isinstance(value, str) and value.startswith("'=HYPERLINK") for value in values)


def test_a_commune_committed_twice_to_an_item_is_listed_once(campaign, target, first, member):
    paper(target, "26", candidate_list=first)
    services.mark_elected(target=target, candidate_list=first)
    services.deliberation_record(
        target=target,
        framework=framework(PACTE),
        choices=[(item("26"), None, "")],
        reference="DEL-2026-001",
        adopted_on=timezone.localdate(),
        user=member,
    )
    assert MandateCommitment.objects.filter(commune=target.commune).count() == 2
    html = browser().get(item("26").get_absolute_url()).content.decode()
    assert html.count(f'href="{target.commune.get_absolute_url()}"') == 1
