"""One consolidated view of what a commune committed to, per framework: the elected list's
bulletin, a council deliberation (recorded in a campaign, or declared after the fact) and
declarations waiting for their confirmation, each item once with its sources, their levels
and comments; on the commune page and on the item page, in a fixed number of queries."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from campaigns import services as campaigns
from campaigns.tests.helpers import add_list, make_campaign, paper, take_on
from commitments import consolidation, declarations
from commitments.declarations import Committer, ProofGiven
from commitments.models import Declaration
from commitments.queries import commune_commitments, item_commitments
from tests.support import browser, make_partner_coordinator, make_user

from .declarations_helpers import LINK, PDF_BYTES, commune, declare, fr, framework, item

pytestmark = pytest.mark.django_db

PACTE = "pacte-pour-la-transition"
MUNICIPALITY = Declaration.Capacity.MUNICIPALITY
COUNCIL = Declaration.CommittedBy.COUNCIL
LIST = Declaration.CommittedBy.LIST
NBSP = "\u00a0"
NOT_YET_IN_THE_REGISTER = (
    "The national register of elected officials does not yet show the mayor elected after this election."
)


@pytest.fixture
def pacte_coordinator(db):
    return make_partner_coordinator("coord@example.org", partner=PACTE)


@pytest.fixture
def campaign(pacte_coordinator):
    return make_campaign(pacte_coordinator, first_round=date(2026, 3, 15))


@pytest.fixture
def target(campaign, pacte_coordinator):
    return take_on(campaign, user=pacte_coordinator)


@pytest.fixture
def elected(target):
    """Saint-Denis Ensemble (Marie Curie) signed 07 (level 2, with a comment), 26 and A, and
    was elected; a beaten list signed 01."""
    level = item("07").levels.get(code="2")
    elected = add_list(target)
    campaigns.paper_record(
        target=target,
        framework=framework(),
        choices=[(item("07"), level, "Cantine bio dès 2027."), (item("26"), None, ""), (item("A"), None, "")],
        candidate_list=elected,
        signatory_name="Marie Curie",
        signatory_role="tête de liste",
        signed_on=date(2026, 3, 2),
    )
    beaten = add_list(target, name="Autre Saint-Denis", head_name="Louise Michel", email="louise@example.org")
    paper(target, "01", candidate_list=beaten, name="Louise Michel")
    campaigns.mark_elected(target=target, candidate_list=elected)
    return elected


@pytest.fixture
def deliberation(target, settings, tmp_path):
    """The council deliberated on 26 and 28 (level-less), its act attached."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return campaigns.deliberation_record(
        target=target,
        framework=framework(),
        choices=[(item("26"), None, ""), (item("28"), None, "")],
        reference="2026-045",
        adopted_on=timezone.localdate() - timedelta(days=3),
        file=SimpleUploadedFile("deliberation.pdf", PDF_BYTES),
    )


@pytest.fixture
def mayor(db):
    from .declarations_helpers import verified_contact

    return verified_contact(
        make_user("adjointe@saint-denis.example.org", display_name="Nadia Adjointe"), "93066"
    )


def only_block():
    blocks = commune_commitments(commune())
    assert len(blocks) == 1
    return blocks[0]


def codes(block):
    return [entry.item.code for entry in block.items]


def page(url="/communes/93066/"):
    return browser().get(url).content.decode()


def panel_of(html):
    return html.split('id="campaigns-title"', 1)[1].split("</section>", 1)[0]


def text_of(html):
    """The text of the HTML, its spaces folded (the non-breaking ones kept)."""
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", "", html)).replace("&#x27;", "'")


# The consolidation ---------------------------------------------------------------------------


def test_a_bulletin_and_a_deliberation_make_one_block_with_each_item_once(elected, deliberation):
    block = only_block()
    assert block.framework == framework() and (block.start_year, block.end_year) == (2026, 2032)
    assert [source.kind for source in block.sources] == [
        consolidation.ELECTED_LIST,
        consolidation.DELIBERATION,
    ]
    # Each item once, in the framework's order (its sections, then its items).
    in_order = framework().items.order_by("section__position", "position").values_list("code", flat=True)
    assert codes(block) == [code for code in in_order if code in {"07", "26", "28", "A"}]
    by_code = {entry.item.code: entry for entry in block.items}
    assert [choice.source.kind for choice in by_code["26"].choices] == ["elected_list", "deliberation"]
    assert [choice.source.kind for choice in by_code["28"].choices] == ["deliberation"]
    chosen = by_code["07"].choices[0]
    assert (chosen.level.code, chosen.comment) == ("2", "Cantine bio dès 2027.")
    assert block.confirmed and block.several_sources


def test_a_beaten_list_and_a_withdrawn_bulletin_are_no_commitment_of_the_commune(
    target, elected, deliberation
):
    campaigns.commitment_withdraw(commitment=deliberation, reason="Annulée.")
    block = only_block()
    assert [source.kind for source in block.sources] == [consolidation.ELECTED_LIST]
    assert "01" not in codes(block) and "28" not in codes(block)


def test_declared_commitments_join_the_block_of_their_framework_and_mandate(elected, mayor):
    # The municipality's own council deliberation, declared: confirmed at once.
    declared = declare(mayor, "26", "05", proof=ProofGiven(reference="2026-099", url=LINK))
    assert declared.status == Declaration.Status.CONFIRMED
    block = only_block()
    assert [source.kind for source in block.sources] == ["elected_list", "declared_council"]
    declared_source = block.sources[1]
    assert declared_source.act_url == LINK and declared_source.reference == "2026-099"
    by_code = {entry.item.code: entry for entry in block.items}
    assert len(by_code["26"].choices) == 2 and len(by_code["05"].choices) == 1


def test_a_declaration_to_be_confirmed_is_shown_as_such_and_does_not_commit_the_commune(db):
    member_group = _member_of_a_group()
    declare(member_group, "26")
    block = only_block()
    assert not block.confirmed
    assert not block.sources[0].confirmed
    text = text_of(panel_of(page()))
    assert f"L’engagement de la commune sur 1 engagement est déclaré, à confirmer{NBSP}:" in text
    assert "La commune s’est engagée" not in text
    assert "déclarée par Awa (Accueil Saint-Denis), à confirmer" in text


def test_refused_and_withdrawn_declarations_are_left_out(mayor):
    member = _member_of_a_group()
    declaration = declare(member, "26")
    declarations.declaration_refuse(declaration=declaration, user=mayor, capacity=MUNICIPALITY, reason="Non.")
    assert commune_commitments(commune()) == []


# The commune page ------------------------------------------------------------------------------


def test_the_commune_page_says_what_the_commune_committed_to_with_each_source(elected, deliberation):
    html = panel_of(page())
    text = text_of(html)
    assert f"La commune s’est engagée sur 4 engagements{NBSP}:" in text
    # Each item once in the block.
    block_html = html.split('class="card consolidated"', 1)[1].split('class="card"', 1)[0]
    assert block_html.count(item("26").get_absolute_url()) == 1
    # The sources, in full, and the act of the deliberation linked publicly.
    assert f"Bulletin de la liste élue «{NBSP}Saint-Denis Ensemble{NBSP}»" in text
    assert f"Délibération du conseil municipal n°{NBSP}2026-045" in text
    act = re.search(r'href="(/fichiers/deliberations/[^"]+)"', html).group(1)
    assert browser().get(act).status_code == 200
    # The level and comment the signatory chose, named by their source.
    assert f"niveau : {item('07').levels.get(code='2').title}" in text
    assert "Cantine bio dès 2027." in text
    assert f"délibération n°{NBSP}2026-045" in text


def test_the_campaign_card_shows_each_signatorys_levels_and_comments(elected):
    text = text_of(panel_of(page()))
    assert "Engagements, niveaux et commentaires choisis" in text
    assert text.count("Cantine bio dès 2027.") == 2  # the mandate's block and the campaign's card


def test_the_mayor_of_the_register_is_dated_next_to_the_elected_list(elected):
    html = page()
    facts = text_of(html.split('class="facts"', 1)[1].split("</dl>", 1)[0])
    assert "Bally Bagayoko, depuis le 23 mars 2026" in facts
    assert f"source{NBSP}: RNE, données importées le" in facts
    panel = text_of(panel_of(html))
    assert f"Maire{NBSP}: Bally Bagayoko, depuis le 23 mars 2026" in panel
    assert fr(NOT_YET_IN_THE_REGISTER) not in panel


def test_a_mayor_older_than_the_election_is_said_not_yet_updated(elected):
    saint_denis = commune()
    saint_denis.mayor_since = date(2020, 7, 3)
    saint_denis.save(update_fields=["mayor_since"])
    panel = text_of(panel_of(page()))
    assert "depuis le 3 juillet 2020" in panel
    assert fr(NOT_YET_IN_THE_REGISTER) in panel


def test_statuses_agree_between_the_campaign_card_and_the_mandate(target, elected):
    html = panel_of(page())
    assert '<span class="status status-committed">Engagée</span>' in html
    assert "La commune s’est engagée sur 3 engagements" in text_of(html)


def test_the_mayors_line_goes_with_an_elected_list_only(deliberation):
    text = text_of(panel_of(page()))
    assert "La commune s’est engagée sur 2 engagements" in text
    assert f"Maire{NBSP}:" not in text


def test_a_list_that_signed_without_being_elected_is_no_commitment_on_the_commune_page(target):
    candidate_list = add_list(target)
    paper(target, "26", candidate_list=candidate_list)
    html = panel_of(page())
    assert "consolidated" not in html
    assert "Une liste a signé" in text_of(html)


# The item page ---------------------------------------------------------------------------------


def test_the_item_page_lists_the_commune_once_with_its_sources_levels_and_comments(elected, deliberation):
    panel = item_commitments(item("26"))
    assert [entry.commune.code for entry in panel["communes"]] == ["93066"]
    assert (panel["committed_count"], panel["to_confirm_count"]) == (1, 0)
    html = page(item("07").get_absolute_url())
    section = text_of(html.split('id="item-communes-title"', 1)[1].split("</section>", 1)[0])
    assert "Saint-Denis" in section and "2026–2032, Municipales 2026" in section
    assert f"niveau : {item('07').levels.get(code='2').title}" in section
    assert "Cantine bio dès 2027." in section
    html = page(item("26").get_absolute_url())
    section = html.split('id="item-communes-title"', 1)[1].split("</section>", 1)[0]
    assert text_of(section).count("Saint-Denis") >= 1
    assert "/fichiers/deliberations/" in section  # the act, linked publicly


def test_the_item_page_counts_apart_the_communes_whose_declaration_awaits_confirmation(
    elected, pacte_coordinator
):
    member = _member_of_a_group(commune_code="01001", name="Accueil Abergement", email="h@example.org")
    declare(member, "26", code="01001")
    panel = item_commitments(item("26"))
    assert [entry.commune.code for entry in panel["communes"]] == ["01001", "93066"]
    assert [entry.confirmed for entry in panel["communes"]] == [False, True]
    assert (panel["committed_count"], panel["to_confirm_count"]) == (1, 1)
    section = text_of(page(item("26").get_absolute_url()).split('id="item-communes-title"', 1)[1])
    assert "1 commune engagée pour son mandat" in section
    assert fr("To be confirmed") in section


def test_the_item_page_costs_the_same_whatever_its_communes_and_sources(campaign, pacte_coordinator, mayor):
    url = item("26").get_absolute_url()
    counts = []
    for code in ["93066", "97411", "75056"]:
        target = take_on(campaign, code, user=pacte_coordinator)
        candidate_list = add_list(target, name="Liste", head_name="Tête")
        paper(target, "26", "A", candidate_list=candidate_list)
        campaigns.mark_elected(target=target, candidate_list=candidate_list)
        counts.append(_queries(url))
    declare(mayor, "26", proof=ProofGiven(reference="2026-099"))
    counts.append(_queries(url))
    assert len(set(counts)) == 1, counts


def test_the_commune_page_costs_the_same_whatever_its_sources(elected, deliberation, mayor):
    _queries("/communes/93066/")  # the day of the register's import, cached from now on
    before = _queries("/communes/93066/")
    declare(mayor, "05", "07", proof=ProofGiven(reference="2026-099"))
    member = _member_of_a_group()
    declare(member, "01", committer=Committer(LIST, "Saint-Denis Ensemble", "Marie Curie"))
    assert _queries("/communes/93066/") == before


# The act of a confirmed council deliberation is public -----------------------------------------


def test_a_confirmed_council_deliberations_document_is_public(mayor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    member = _member_of_a_group()
    declaration = declare(member, "26", proof=ProofGiven(file=SimpleUploadedFile("acte.pdf", PDF_BYTES)))
    assert not AnonymousUser().has_perm("commitments.view_declaration_proof", declaration)
    assert browser().get(declaration.proof_file_url).status_code == 404
    declarations.declaration_confirm(declaration=declaration, user=mayor, capacity=MUNICIPALITY)
    declaration.refresh_from_db()
    assert AnonymousUser().has_perm("commitments.view_declaration_proof", declaration)
    assert browser().get(declaration.proof_file_url).status_code == 200
    html = panel_of(page())
    assert declaration.proof_file_url in html


def test_a_declared_lists_document_stays_with_its_readers(mayor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    member = _member_of_a_group()
    declaration = declare(
        member,
        "26",
        committer=Committer(LIST, "Saint-Denis Ensemble", "Marie Curie"),
        proof=ProofGiven(file=SimpleUploadedFile("bulletin.pdf", PDF_BYTES)),
    )
    declarations.declaration_confirm(declaration=declaration, user=mayor, capacity=MUNICIPALITY)
    declaration.refresh_from_db()
    assert not AnonymousUser().has_perm("commitments.view_declaration_proof", declaration)
    assert declaration.proof_file_url not in page()


# Helpers -------------------------------------------------------------------------------------------


def _member_of_a_group(commune_code="93066", name="Accueil Saint-Denis", email="fondatrice@example.org"):
    from tests.support import make_group

    from .declarations_helpers import member_of

    group = make_group(name, commune=commune_code, coordinator=make_user(email))
    return member_of(
        group, "awa@example.org" if commune_code == "93066" else "loin@example.org", display_name="Awa"
    )


def _queries(url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = browser()
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)
