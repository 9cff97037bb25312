"""One write path per rule: the services (one bulletin, one election result at a time) and
the spreadsheet import (rows written in bulk) apply the same rules, commitments.domain.

Each scenario starts from the same rows, made through the services, then is played twice:
once through campaigns.services, once through a CSV file given to campaigns.imports. Both
runs must leave the same rows (targets and their status, lists, bulletins and their items,
commitments for the mandate; primary keys and dates left out) and the same kinds of
history records. What differs by definition is left out: how a bulletin was signed
(`channel`: paper, deliberation or import) and a deliberation's reference; and how many
times a target's status changed: one bulletin at a time, the services may pass through a
status on the way (a list signed, then elected: committed), where the import writes the
last one at once. For targets, the history compared is the kinds of records written.

The set-ups take the communes on through the services: an import also takes a commune on
and signs in one step (the target is created committed: one "+" record, where the
services write a "+" then a "~"), the one difference of the two paths' histories.
"""

from collections import Counter
from datetime import date

import pytest
from django.db import transaction
from django.db.models import Max

from campaigns import services
from campaigns.imports import import_apply
from campaigns.models import Campaign, CandidateList, Step, Target
from campaigns.tests.helpers import (
    ANVITA,
    PACTE,
    choices,
    commune,
    csv_upload,
    framework,
    line,
    make_campaign,
)
from commitments.models import Commitment, CommitmentItem, MandateCommitment
from tests.support import make_partner_coordinator

pytestmark = pytest.mark.django_db

SIGNED_ON = date(2026, 3, 15)
HEAD = {"head_name": "Camille Martin", "email": "camille@example.org"}
OTHER = {"name": "Autre liste", "head_name": "Louise Michel", "email": "louise@example.org"}
TRACKED = (Target, CandidateList, Commitment, CommitmentItem, MandateCommitment)


@pytest.fixture
def user():
    return make_partner_coordinator("coordination@example.org", partner=PACTE)


# Playing a scenario twice ---------------------------------------------------------------


class World:
    """What a scenario's set-up made: the campaign, its targets and lists by name."""

    def __init__(self, user, campaign):
        self.user, self.campaign = user, campaign
        self.targets, self.lists = {}, {}

    def take_on(self, code="93066"):
        self.targets[code] = services.target_take_on(
            campaign=self.campaign, commune=commune(code), group=None, user=self.user
        )
        return self.targets[code]

    def add_list(self, name="Saint-Denis en commun", code="93066", **fields):
        fields = {**HEAD, **fields}
        self.lists[name] = services.list_add(target=self.targets[code], name=name, **fields)
        return self.lists[name]

    def paper(
        self, *codes, list_name=None, slug=PACTE, code="93066", name="Camille Martin", role="tête de liste"
    ):
        return services.paper_record(
            target=self.targets[code],
            framework=framework(slug),
            choices=choices(*codes, slug=slug),
            candidate_list=self.lists[list_name] if list_name else None,
            signatory_name=name,
            signatory_role=role,
            signed_on=SIGNED_ON,
            user=self.user,
        )

    def elect(self, list_name, code="93066"):
        services.mark_elected(target=self.targets[code], candidate_list=self.lists[list_name])

    def deliberation(self, *codes, code="93066", name="Conseil municipal", role="délibération"):
        return services.deliberation_record(
            target=self.targets[code],
            framework=framework(PACTE),
            choices=choices(*codes),
            reference="DEL-2026-045",
            adopted_on=SIGNED_ON,
            user=self.user,
            signatory_name=name,
            signatory_role=role,
        )

    def import_rows(self, rows, **header):
        report = import_apply(csv_upload(rows, **header), campaign=self.campaign, user=self.user)
        assert report.ok, [row.errors for row in report.errors]


def outcome(campaign, marks):
    """The campaign's rows as comparable values, and the kinds of history records written
    since `marks` (the last history id of each model before the scenario's act)."""

    def list_name(candidate_list):
        return candidate_list.name if candidate_list else ""  # "": the municipality's

    commitments = Commitment.objects.filter(target__campaign=campaign).select_related(
        "target__commune", "candidate_list", "framework"
    )
    history = Counter()
    for model in TRACKED:
        for kind in model.history.filter(history_id__gt=marks[model]).values_list("history_type", flat=True):
            # A target: whether its status changed, not how many times (see the docstring).
            history[(model.__name__, kind)] = 1 if model is Target else history[(model.__name__, kind)] + 1
    return {
        "targets": sorted(
            (target.commune.code, target.status, target.group_id)
            for target in Target.objects.filter(campaign=campaign).select_related("commune")
        ),
        "lists": sorted(
            (
                item.target.commune.code,
                item.name,
                item.head_name,
                item.email,
                item.political_label,
                item.is_elected,
            )
            for item in CandidateList.objects.filter(target__campaign=campaign).select_related(
                "target__commune"
            )
        ),
        "commitments": sorted(
            (
                commitment.target.commune.code,
                list_name(commitment.candidate_list),
                commitment.framework.slug,
                commitment.signatory_name,
                commitment.signatory_role,
                commitment.signed_on,
                commitment.withdrawn_at is None,
                commitment.created_by_id,
                tuple(
                    sorted(
                        commitment.items.values_list("item__code", "level_id", "comment"),
                    )
                ),
            )
            for commitment in commitments
        ),
        "mandates": sorted(
            (
                mandate.commune.code,
                mandate.campaign.title,
                list_name(mandate.commitment.candidate_list),
                mandate.commitment.framework.slug,
                mandate.start_year,
                mandate.end_year,
            )
            for mandate in MandateCommitment.objects.filter(campaign=campaign).select_related(
                "commune", "campaign", "commitment__candidate_list", "commitment__framework"
            )
        ),
        "history": dict(history),
        "history up to date": history_up_to_date(campaign),
    }


def history_up_to_date(campaign):
    """Whether the last history record of every row says what the row says."""
    rows = {
        Target: Target.objects.filter(campaign=campaign),
        CandidateList: CandidateList.objects.filter(target__campaign=campaign),
        Commitment: Commitment.objects.filter(target__campaign=campaign),
        CommitmentItem: CommitmentItem.objects.filter(commitment__target__campaign=campaign),
        MandateCommitment: MandateCommitment.objects.filter(campaign=campaign),
    }
    for model, queryset in rows.items():
        tracked = [field.attname for field in model.history.model._meta.concrete_fields]
        fields = [field.attname for field in model._meta.concrete_fields if field.attname in tracked]
        for row in queryset.values(*fields):
            last = model.history.filter(id=row["id"]).order_by("-history_date", "-history_id").first()
            if last is None or {name: getattr(last, name) for name in fields} != row:
                return False
    return True


def play(user, setup, act):
    """Set up, then act; the outcome of the act. Everything is rolled back afterwards."""
    with transaction.atomic():
        world = setup(user)
        marks = {model: model.history.aggregate(last=Max("history_id"))["last"] or 0 for model in TRACKED}
        act(world)
        result = outcome(world.campaign, marks)
        transaction.set_rollback(True)
    return result


def assert_parity(user, setup, through_services, through_import):
    by_services = play(user, setup, through_services)
    by_import = play(user, setup, through_import)
    assert by_services == by_import
    assert by_services["history up to date"]
    return by_services


# Set-ups ---------------------------------------------------------------------------------


def election(user):
    world = World(user, make_campaign(user, frameworks=(PACTE, ANVITA), organizers=(PACTE,)))
    world.take_on()
    world.add_list()
    return world


def election_with_two_lists(user):
    world = election(user)
    world.add_list(**OTHER)
    return world


def mid_mandate(user):
    world = World(
        user, make_campaign(user, title="Mi-mandat", kind=Campaign.Kind.MID_MANDATE, organizers=(PACTE,))
    )
    world.take_on()
    return world


def row(**values):
    """A row of the file for the list "Saint-Denis en commun" (as the set-ups make it)."""
    values = {
        "liste": "Saint-Denis en commun",
        "tete_de_liste": HEAD["head_name"],
        "email": HEAD["email"],
        "signataire": "Camille Martin",
        "qualite": "tête de liste",
        "date_signature": SIGNED_ON.strftime("%d/%m/%Y"),
        "referentiel": PACTE,
        **values,
    }
    return line(**values)


MUNICIPALITY_COLUMNS = ["code_insee", "referentiel", "engagements", "signataire", "qualite", "date_signature"]


# Scenarios -------------------------------------------------------------------------------


def test_a_list_signs_on_paper_then_is_elected(user):
    result = assert_parity(
        user,
        election,
        lambda world: (
            world.paper("A", "01", list_name="Saint-Denis en commun"),
            world.elect("Saint-Denis en commun"),
        ),
        lambda world: world.import_rows([row(engagements="A;01", elue="oui")]),
    )
    assert result["targets"] == [("93066", Target.Status.COMMITTED, None)]
    assert [mandate[2:4] for mandate in result["mandates"]] == [("Saint-Denis en commun", PACTE)]
    assert result["history"] == {
        ("Target", "~"): 1,
        ("CandidateList", "~"): 1,
        ("Commitment", "+"): 1,
        ("CommitmentItem", "+"): 2,
        ("MandateCommitment", "+"): 1,
    }


def test_the_result_recorded_before_the_bulletin_gives_the_same_rows(user):
    def through_services(world):
        world.elect("Saint-Denis en commun")
        world.paper("A", "01", list_name="Saint-Denis en commun")

    result = assert_parity(
        user,
        election,
        through_services,
        lambda world: world.import_rows([row(engagements="A;01", elue="oui")]),
    )
    assert len(result["mandates"]) == 1


def test_only_the_elected_lists_bulletins_are_the_communes(user):
    def through_services(world):
        world.paper("A", list_name="Saint-Denis en commun")
        world.paper("01", "02", list_name="Autre liste", name="Louise Michel")
        world.elect("Autre liste")

    result = assert_parity(
        user,
        election_with_two_lists,
        through_services,
        lambda world: world.import_rows(
            [
                row(engagements="A"),
                row(
                    liste="Autre liste",
                    tete_de_liste="Louise Michel",
                    email=OTHER["email"],
                    signataire="Louise Michel",
                    engagements="01;02",
                    elue="oui",
                ),
            ]
        ),
    )
    assert [mandate[2] for mandate in result["mandates"]] == ["Autre liste"]
    assert len(result["commitments"]) == 2


def test_the_election_result_takes_the_lists_earlier_bulletins_along(user):
    """The elected list signed the Pacte before; it signs the ANVITA charter and is
    elected: both bulletins become the commune's, the earlier one was in no file."""

    def setup(user):
        world = election(user)
        world.paper("A", list_name="Saint-Denis en commun")
        return world

    def through_services(world):
        world.paper("1", "2", list_name="Saint-Denis en commun", slug=ANVITA)
        world.elect("Saint-Denis en commun")

    result = assert_parity(
        user,
        setup,
        through_services,
        lambda world: world.import_rows([row(referentiel=ANVITA, engagements="1;2", elue="oui")]),
    )
    assert sorted(mandate[3] for mandate in result["mandates"]) == [ANVITA, PACTE]
    # A list had signed; its election makes the commune committed.
    assert result["targets"] == [("93066", Target.Status.COMMITTED, None)]
    assert result["history"][("Target", "~")] == 1


def test_a_refusal_logged_by_another_list_then_a_bulletin(user):
    def setup(user):
        world = election_with_two_lists(user)
        services.step_add(
            target=world.targets["93066"],
            kind=Step.Kind.REFUSAL,
            date=SIGNED_ON,
            candidate_list=world.lists["Autre liste"],
            user=user,
        )
        return world

    result = assert_parity(
        user,
        setup,
        lambda world: world.paper("A", list_name="Saint-Denis en commun"),
        lambda world: world.import_rows([row(engagements="A")]),
    )
    # A list signed, no list is elected: the commune is not committed (yet).
    assert result["targets"] == [("93066", Target.Status.LIST_SIGNED, None)]
    assert result["mandates"] == []


def test_a_deliberation_stays_the_communes_whatever_the_election(user):
    def setup(user):
        world = election(user)
        world.deliberation("B")
        return world

    def through_services(world):
        world.paper("A", list_name="Saint-Denis en commun")
        world.elect("Saint-Denis en commun")

    result = assert_parity(
        user, setup, through_services, lambda world: world.import_rows([row(engagements="A", elue="oui")])
    )
    assert sorted(mandate[2] for mandate in result["mandates"]) == ["", "Saint-Denis en commun"]


def test_a_mid_mandate_bulletin_of_the_municipality(user):
    result = assert_parity(
        user,
        mid_mandate,
        lambda world: world.paper("A", "B", name="Mathieu Hanotin", role="maire"),
        lambda world: world.import_rows(
            [["93066", PACTE, "A;B", "Mathieu Hanotin", "maire", SIGNED_ON.strftime("%d/%m/%Y")]],
            header=MUNICIPALITY_COLUMNS,
        ),
    )
    assert [mandate[2:] for mandate in result["mandates"]] == [("", PACTE, 2026, 2032)]
    assert result["history"] == {
        ("Target", "~"): 1,
        ("Commitment", "+"): 1,
        ("CommitmentItem", "+"): 2,
        ("MandateCommitment", "+"): 1,
    }


def test_a_council_deliberation_and_an_imported_municipality_bulletin(user):
    """A deliberation is the commune's commitment in every kind of campaign; so is, in a
    mid-mandate campaign, the municipality's bulletin of a spreadsheet."""
    result = assert_parity(
        user,
        mid_mandate,
        lambda world: world.deliberation("A", "B", name="Conseil municipal de Saint-Denis"),
        lambda world: world.import_rows(
            [
                [
                    "93066",
                    PACTE,
                    "A;B",
                    "Conseil municipal de Saint-Denis",
                    "délibération",
                    SIGNED_ON.strftime("%d/%m/%Y"),
                ]
            ],
            header=MUNICIPALITY_COLUMNS,
        ),
    )
    assert len(result["mandates"]) == 1


def refusal(world, list_name=None):
    services.step_add(
        target=world.targets["93066"],
        kind=Step.Kind.REFUSAL,
        date=SIGNED_ON,
        candidate_list=world.lists[list_name] if list_name else None,
        public_reason="Nous ne signons pas de chartes.",
        user=world.user,
    )


def test_a_defeated_lists_signature_is_a_list_signed_not_the_communes_commitment(user):
    def setup(user):
        world = election_with_two_lists(user)
        world.elect("Autre liste")
        return world

    result = assert_parity(
        user,
        setup,
        lambda world: world.paper("A", "01", list_name="Saint-Denis en commun"),
        lambda world: world.import_rows([row(engagements="A;01")]),
    )
    assert result["targets"] == [("93066", Target.Status.LIST_SIGNED, None)]
    assert result["mandates"] == []


def test_the_elected_lists_refusal_is_the_communes_answer_whoever_else_signs(user):
    def setup(user):
        world = election_with_two_lists(user)
        world.elect("Autre liste")
        refusal(world, "Autre liste")
        return world

    result = assert_parity(
        user,
        setup,
        lambda world: world.paper("A", list_name="Saint-Denis en commun"),
        lambda world: world.import_rows([row(engagements="A")]),
    )
    assert result["targets"] == [("93066", Target.Status.REFUSED, None)]
    assert ("Target", "~") not in result["history"]  # refused before, refused after
    assert result["mandates"] == []


def test_a_list_that_refused_then_signs_and_is_elected(user):
    def setup(user):
        world = election_with_two_lists(user)
        refusal(world, "Saint-Denis en commun")
        refusal(world, "Autre liste")
        return world

    def through_services(world):
        world.paper("A", list_name="Saint-Denis en commun")
        world.elect("Saint-Denis en commun")

    result = assert_parity(
        user, setup, through_services, lambda world: world.import_rows([row(engagements="A", elue="oui")])
    )
    assert result["targets"] == [("93066", Target.Status.COMMITTED, None)]
    assert [mandate[2] for mandate in result["mandates"]] == ["Saint-Denis en commun"]


def test_the_municipality_refused_then_signs_in_a_mid_mandate_campaign(user):
    def setup(user):
        world = mid_mandate(user)
        refusal(world)
        return world

    result = assert_parity(
        user,
        setup,
        lambda world: world.paper("A", name="Mathieu Hanotin", role="maire"),
        lambda world: world.import_rows(
            [["93066", PACTE, "A", "Mathieu Hanotin", "maire", SIGNED_ON.strftime("%d/%m/%Y")]],
            header=MUNICIPALITY_COLUMNS,
        ),
    )
    assert result["targets"] == [("93066", Target.Status.COMMITTED, None)]
    assert len(result["mandates"]) == 1
