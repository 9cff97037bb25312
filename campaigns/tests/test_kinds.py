"""The kinds of campaign as declarations (campaigns.kinds): what each declared kind allows,
the model's choices made from the declarations, incoherent declarations refused, and a
third kind declared in the test, which services, forms, imports and pages follow without
a change of code."""

from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from campaigns import imports, services
from campaigns.forms import InvitationForm, PaperForm, StepForm
from campaigns.kinds import ELECTED_LIST, KINDS, SIGNATURE, CampaignKind
from campaigns.models import Campaign, CandidateList
from commitments.models import Commitment, MandateCommitment
from tests.support import browser

from .helpers import PACTE, add_list, csv_upload, fr, framework, line, make_campaign, paper, take_on

pytestmark = pytest.mark.django_db

REVIEW = "epci_review"
LISTS_REFUSED = "Une revue intercommunale s’adresse à la municipalité, pas à des listes."
LISTS_REFUSED_IN_FILE = "Laissez vide : dans une revue intercommunale, la municipalité signe."
RESULT_REFUSED = "Une revue intercommunale n’a pas d’élection."


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


@pytest.fixture
def review_kind(monkeypatch):
    """A third kind, declared here only: a review of the commitments towards an
    intercommunality, signed by the municipality, without lists or rounds."""
    kind = CampaignKind(
        label="revue intercommunale",
        description="Revue intercommunale : la municipalité signe ; son bulletin vaut pour le mandat.",
        has_lists=False,
        has_rounds=False,
        mandate_from=SIGNATURE,
        lists_refused=LISTS_REFUSED,
        lists_refused_in_file=LISTS_REFUSED_IN_FILE,
        result_refused=RESULT_REFUSED,
    )
    monkeypatch.setitem(KINDS, REVIEW, kind)
    return kind


@pytest.fixture
def review(review_kind, coordinator):
    return make_campaign(
        coordinator,
        title="Revue intercommunale 2029",
        kind=REVIEW,
        first_round=date(2029, 3, 1),
        second_round=date(2029, 3, 8),
        mandate_start=2026,
        mandate_end=2032,
    )


@pytest.fixture
def review_target(review, group, member):
    return take_on(review, group=group, user=member)


# The declared kinds ---------------------------------------------------------------------


def test_an_election_has_lists_rounds_and_a_result():
    election = KINDS["election"]
    assert (election.has_lists, election.has_rounds, election.mandate_from) == (True, True, ELECTED_LIST)
    assert election.records_result and not election.signature_is_mandate


def test_a_mid_mandate_campaign_addresses_the_municipality_whose_signature_is_the_mandates():
    mid_mandate = KINDS["mid_mandate"]
    assert (mid_mandate.has_lists, mid_mandate.has_rounds, mid_mandate.mandate_from) == (
        False,
        False,
        SIGNATURE,
    )
    assert mid_mandate.signature_is_mandate and not mid_mandate.records_result
    assert (
        str(mid_mandate.lists_refused)
        == "Une campagne de mi-mandat s’adresse à la municipalité, pas à des listes."
    )
    assert str(mid_mandate.result_refused) == "Une campagne de mi-mandat n’a pas d’élection."


def test_the_model_choices_are_the_declared_kinds():
    field = Campaign._meta.get_field("kind")
    declared = [(key, kind.label) for key, kind in KINDS.items()]
    assert Campaign.Kind.choices == declared
    assert field.choices == declared
    assert (Campaign.Kind.ELECTION, Campaign.Kind.MID_MANDATE) == ("election", "mid_mandate")
    assert all(len(key) <= field.max_length for key in KINDS)


def test_a_campaign_asks_its_declared_kind(coordinator):
    for key in KINDS:
        campaign = make_campaign(coordinator, title=f"Campagne {key}", kind=key)
        assert campaign.kind_spec is KINDS[key]


@pytest.mark.parametrize(
    "declaration",
    [
        pytest.param({"has_lists": False, "mandate_from": ELECTED_LIST}, id="no list to elect"),
        pytest.param({"has_lists": True, "mandate_from": "vote"}, id="unknown origin"),
        pytest.param(
            {"has_lists": False, "mandate_from": SIGNATURE, "result_refused": "Non."}, id="lists refused how"
        ),
        pytest.param(
            {"has_lists": True, "mandate_from": SIGNATURE, "lists_refused": "Non."}, id="result refused how"
        ),
    ],
)
def test_an_incoherent_declaration_is_refused(declaration):
    with pytest.raises(ImproperlyConfigured):
        CampaignKind(label="?", description="?", has_rounds=False, **declaration)


# A third kind: a declaration, and nothing else --------------------------------------------


def test_a_declared_kind_without_rounds_keeps_no_second_round(review):
    assert review.kind_spec is KINDS[REVIEW]
    assert (review.first_round, review.second_round) == (date(2029, 3, 1), None)
    services.campaign_update(
        campaign=review,
        title=review.title,
        description="",
        frameworks=[framework()],
        organizers=list(review.organizers.all()),
        first_round=None,
        second_round=date(2029, 3, 8),
        mandate_start=2026,
        mandate_end=2032,
        is_open=True,
        letter_template=review.letter_template,
    )
    assert review.second_round is None


def test_a_declared_kind_without_lists_refuses_them_in_its_own_words(review_target):
    with pytest.raises(services.CampaignsError, match=f"^{LISTS_REFUSED}$"):
        add_list(review_target)
    with pytest.raises(services.CampaignsError, match=f"^{RESULT_REFUSED}$"):
        services.mark_elected(target=review_target, candidate_list=None)
    assert not CandidateList.objects.exists()


def test_a_bulletin_signed_in_a_declared_signature_kind_is_the_mandates_at_once(review_target, member):
    commitment = paper(review_target, "A", name="Mathieu Hanotin", role="maire", user=member)
    mandate = MandateCommitment.objects.get()
    assert (mandate.commitment, mandate.commune.code, mandate.start_year, mandate.end_year) == (
        commitment,
        "93066",
        2026,
        2032,
    )
    review_target.refresh_from_db()
    assert review_target.status == review_target.Status.COMMITTED


def test_the_forms_of_a_declared_kind_without_lists_ask_for_no_list(review_target):
    forms = (
        StepForm(target=review_target),
        InvitationForm(target=review_target),
        PaperForm(target=review_target, framework=framework()),
    )
    assert all("candidate_list" not in form.fields for form in forms)


def test_an_import_follows_the_declared_kind(review, coordinator):
    header = ["code_insee", "referentiel", "engagements", "signataire", "qualite", "date_signature"]
    rows = [["93066", PACTE, "A;B", "Mathieu Hanotin", "maire", "01/03/2026"]]
    report = imports.import_apply(csv_upload(rows, header=header), campaign=review, user=coordinator)
    assert report.ok
    commitment = Commitment.objects.get(target__campaign=review)
    assert commitment.candidate_list is None
    assert MandateCommitment.objects.get().commitment == commitment

    with_a_list = csv_upload(
        [["93066", "Saint-Denis en commun", PACTE, "A", "Camille Martin", "maire", "01/03/2026"]],
        header=["code_insee", "liste", *header[1:]],
    )
    report = imports.import_check(with_a_list, campaign=review)
    assert report.rows[0].errors == [("liste", LISTS_REFUSED_IN_FILE)]


def test_the_target_page_of_a_declared_kind_follows_its_declaration(review_target, member):
    html = browser(member).get(review_target.get_absolute_url()).content.decode()
    assert fr("The municipality has not signed yet.") in html
    assert 'id="listes"' not in html
    assert 'id="resultat"' not in html


def test_a_declared_kind_with_lists_but_no_result_never_makes_a_list_bulletin_the_mandates(
    monkeypatch, coordinator, group, member
):
    monkeypatch.setitem(
        KINDS,
        "pledge",
        CampaignKind(
            label="engagement de campagne",
            description="Engagement de campagne : les listes signent, sans suite pour le mandat.",
            has_lists=True,
            has_rounds=True,
            mandate_from=SIGNATURE,
            result_refused=RESULT_REFUSED,
        ),
    )
    campaign = make_campaign(coordinator, title="Engagements 2026", kind="pledge")
    target = take_on(campaign, group=group, user=member)
    candidate_list = add_list(target)
    paper(target, "A", candidate_list=candidate_list)
    with pytest.raises(services.CampaignsError, match=f"^{RESULT_REFUSED}$"):
        services.mark_elected(target=target, candidate_list=candidate_list)
    report = imports.import_check(csv_upload([line(elue="oui")]), campaign=campaign)
    assert report.rows[0].errors == [("elue", RESULT_REFUSED)]
    assert not MandateCommitment.objects.exists()


def test_a_mid_mandate_bulletin_is_the_communes_commitment(coordinator, group, member):
    campaign = make_campaign(coordinator, title="Mi-mandat", kind=Campaign.Kind.MID_MANDATE)
    target = take_on(campaign, group=group, user=member)
    commitment = paper(target, "26", name="Mme la maire", role="maire")
    mandate = MandateCommitment.objects.get(commitment=commitment)
    assert mandate.commune_id == target.commune_id
    # The same through a spreadsheet.
    upload = csv_upload(
        [
            line(
                code_insee="01001",
                commune="",
                departement="",
                liste="",
                tete_de_liste="",
                email="",
                signataire="M. le maire",
                qualite="maire",
            )
        ]
    )
    imports.import_apply(upload, campaign=campaign, user=coordinator)
    assert MandateCommitment.objects.filter(campaign=campaign, commune__code="01001").exists()
