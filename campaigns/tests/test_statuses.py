"""Statuses that tell the truth: a list's signature is not the commune's commitment
(until the list is elected), a refusal counts whatever the commune's status, a campaign's
phase is shown, and counts and dates read as people write them."""

import json
import re
from datetime import date, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from campaigns import kinds, queries, services
from campaigns.models import Campaign, Step, Target
from commitments.models import MandateCommitment
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
    status_of,
    take_on,
    today,
)

pytestmark = pytest.mark.django_db

ELECTION = kinds.KINDS["election"]
MID_MANDATE = kinds.KINDS["mid_mandate"]


def refusal(target, candidate_list=None, reason=""):
    return services.step_add(
        target=target,
        kind=Step.Kind.REFUSAL,
        date=today(),
        candidate_list=candidate_list,
        public_reason=reason,
    )


def deliberation(target, code="26"):
    return services.deliberation_record(
        target=target,
        framework=framework(),
        choices=[(item(code), None, "")],
        reference="DEL-2026-001",
        adopted_on=today(),
    )


# Statuses through the services ------------------------------------------------------------


def test_a_defeated_lists_signature_is_a_list_signed_and_the_result_decides(target, first, second):
    paper(target, "A", candidate_list=second)
    assert status_of(target) == Target.Status.LIST_SIGNED
    services.mark_elected(target=target, candidate_list=first)  # the other list is elected
    assert status_of(target) == Target.Status.LIST_SIGNED
    assert not MandateCommitment.objects.exists()
    services.mark_elected(target=target, candidate_list=second)  # a mistake corrected
    assert status_of(target) == Target.Status.COMMITTED
    assert MandateCommitment.objects.count() == 1
    services.mark_elected(target=target, candidate_list=None)  # the result cleared
    assert status_of(target) == Target.Status.LIST_SIGNED


def test_a_council_deliberation_commits_the_commune_without_a_result(target, first):
    deliberation(target)
    assert status_of(target) == Target.Status.COMMITTED


def test_the_elected_lists_refusal_is_the_communes_answer(target, first, second):
    paper(target, "A", candidate_list=second)
    refusal(target, first)
    assert status_of(target) == Target.Status.LIST_SIGNED  # before the result
    services.mark_elected(target=target, candidate_list=first)
    assert status_of(target) == Target.Status.REFUSED


def test_a_mid_mandate_signature_commits_the_commune_at_once(coordinator):
    campaign = make_campaign(coordinator, title="Mi-mandat", kind=Campaign.Kind.MID_MANDATE)
    target = take_on(campaign, user=coordinator)
    refusal(target)
    assert status_of(target) == Target.Status.REFUSED
    paper(target, "A", name="Mathieu Hanotin", role="maire")
    assert status_of(target) == Target.Status.COMMITTED


def test_a_public_reason_is_for_refusals_only(target, first):
    with pytest.raises(services.CampaignsError) as error:
        services.step_add(target=target, kind=Step.Kind.LETTER, date=today(), public_reason="Non")
    assert error.value.field == "public_reason"
    step = refusal(target, first, reason="  <b>Pas</b>\n  maintenant\x07 ")
    assert step.public_reason == "Pas maintenant"  # plain text, one line
    with pytest.raises(services.CampaignsError):
        refusal(target, first, reason="x" * (Step.PUBLIC_REASON_MAX_LENGTH + 1))


# Counts, map, list ------------------------------------------------------------------------------


@pytest.fixture
def mixed(campaign, target, first, second, coordinator):
    """93066: a list signed, the other refused; 97411: the municipality refused; 75056:
    committed by a deliberation, a list refused first; 01001: not interpellated."""
    paper(target, "A", candidate_list=first)
    refusal(target, second, reason="Pas de charte")
    reunion = take_on(campaign, "97411", user=coordinator)
    refusal(reunion)
    paris = take_on(campaign, "75056", user=coordinator)
    refusal(paris, add_list(paris, name="Liste de Paris", head_name="Anne Hidalgo"))
    deliberation(paris)
    take_on(campaign, "01001", user=coordinator)
    return campaign


def test_counts_show_the_refusals_whatever_the_status(mixed):
    counts = queries.campaign_counts(mixed)
    assert counts["total"] == {
        Target.Status.NOT_INTERPELLATED: 1,
        Target.Status.INTERPELLATED: 0,
        Target.Status.LIST_SIGNED: 1,
        Target.Status.COMMITTED: 1,
        Target.Status.REFUSED: 1,
    }
    assert (counts["refusals"], counts["list_refusals"], counts["municipality_refusals"]) == (3, 2, 1)
    ile_de_france = next(region for region in counts["regions"] if region["code"] == "11")
    assert ile_de_france["refusals"] == 2 and ile_de_france["total"] == 2
    assert [status for status, _label, _count in counts["ordered"]] == Target.Status.values


def test_a_second_refusal_of_the_same_list_counts_once(mixed, target, second):
    refusal(target, second)
    assert queries.campaign_counts(mixed)["list_refusals"] == 2


def test_the_campaign_page_shows_statuses_refusals_and_the_legend(mixed):
    html = browser().get(mixed.get_absolute_url()).content.decode()
    counts = html.split('class="status-counts"', 1)[1].split("</ul>", 1)[0]
    assert str(Target.Status.LIST_SIGNED.label).capitalize() in counts
    refusals = re.search(r'<p class="refusal-count">(.*?)</p>', html, re.S).group(1)
    assert re.match(r"\s*3\b", refusals) and re.search(r"\(2\b.*, 1\b", refusals)
    legend = html.split('class="legend"', 1)[1].split("</ul>", 1)[0]
    assert legend.count("<li>") == 5
    assert fr("a list signed, before the result or without being elected") in legend
    assert fr("the elected list signed, or the council deliberated") in legend
    # The list of communes names the list that refused.
    row = next(row for row in html.split("<tr>") if "/communes/93066/" in row)
    assert "Autre Saint-Denis (" in row


def test_a_mid_mandate_campaign_shows_no_list_signed(coordinator):
    campaign = make_campaign(coordinator, title="Mi-mandat", kind=Campaign.Kind.MID_MANDATE)
    take_on(campaign, user=coordinator)
    counts = queries.campaign_counts(campaign)
    assert Target.Status.LIST_SIGNED not in [status for status, _label, _count in counts["ordered"]]
    html = browser().get(campaign.get_absolute_url()).content.decode()
    assert 'value="list_signed"' not in html and "swatch status-list_signed" not in html
    assert fr("the municipality signed, or the council deliberated") in html


def test_the_map_data_carries_every_status(mixed):
    data = json.loads(browser().get(mixed.get_absolute_url() + "carte.json").content)
    assert data["statuses"] == Target.Status.values
    statuses = {point[3]: data["statuses"][point[2]] for point in data["points"]}
    assert statuses == {
        "93066": "list_signed",
        "97411": "refused",
        "75056": "committed",
        "01001": "not_interpellated",
    }


def test_the_list_filters_by_the_new_status(mixed):
    html = browser().get(mixed.get_absolute_url() + "?statut=list_signed").content.decode()
    rows = html.split("<tbody>", 1)[1]
    assert "/communes/93066/" in rows and "/communes/75056/" not in rows


# Phases ------------------------------------------------------------------------------------

DAY = date(2026, 3, 15)


@pytest.mark.parametrize(
    ("kind", "is_open", "first_round", "results", "today_", "phase"),
    [
        (ELECTION, True, DAY, False, DAY - timedelta(days=1), kinds.OPEN),
        (ELECTION, True, None, False, DAY, kinds.OPEN),  # no date: open
        (ELECTION, True, DAY, False, DAY, kinds.AWAITING_RESULTS),  # from the day of the vote
        (ELECTION, True, DAY, True, DAY + timedelta(days=3), kinds.RESULTS_RECORDED),
        (ELECTION, True, None, True, DAY, kinds.RESULTS_RECORDED),
        (ELECTION, False, DAY, True, DAY, kinds.CLOSED),  # closed decides
        (MID_MANDATE, True, DAY, False, DAY + timedelta(days=30), kinds.OPEN),  # no election
        (MID_MANDATE, False, None, False, DAY, kinds.CLOSED),
    ],
)
def test_campaign_phase(kind, is_open, first_round, results, today_, phase):
    assert (
        kinds.campaign_phase(
            kind, is_open=is_open, first_round=first_round, results_recorded=results, today=today_
        )
        == phase
    )


def test_the_phase_of_a_campaign_follows_its_results(campaign, target, first, coordinator):
    campaign.first_round = timezone.localdate()
    assert campaign.phase == kinds.AWAITING_RESULTS
    services.mark_elected(target=target, candidate_list=first)
    campaign = queries.campaign_get(campaign.slug)  # annotated: no query to know
    assert campaign.results_recorded is True and campaign.phase == kinds.RESULTS_RECORDED
    fresh = Campaign.objects.get(pk=campaign.pk)  # not annotated: asked
    assert fresh.phase == kinds.RESULTS_RECORDED


def test_the_campaign_pages_show_the_phase_in_agreement(campaign, coordinator):
    with translation.override("fr"):
        expected = f"{campaign.get_kind_display().capitalize()} · {kinds.PHASE_LABELS[campaign.phase]}"
    for url in ("/campagnes/", campaign.get_absolute_url()):
        html = browser().get(url).content.decode()
        assert expected in html, url


# Dates and counts in words ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "day", "expected"),
    [
        ("fr", date(2026, 12, 1), "1er décembre 2026"),
        ("fr", date(2026, 12, 2), "2 décembre 2026"),
        ("en", date(2026, 12, 1), "Dec. 1, 2026"),
    ],
)
def test_long_date(language, day, expected):
    with translation.override(language):
        assert Template("{% load dates %}{{ day|long_date }}").render(Context({"day": day})) == expected


def test_the_first_round_reads_as_people_write_it(coordinator):
    campaign = make_campaign(
        coordinator, title="Élection", frameworks=(PACTE, ANVITA), first_round=date(2026, 3, 1)
    )
    assert "1er mars 2026" in browser().get(campaign.get_absolute_url()).content.decode()
