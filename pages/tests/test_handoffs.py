"""The emails of the hand-offs (pages.handoffs): a council's deliberation recorded (in a
campaign, or declared after the fact), a municipal contact verified — who is told, who is
not, and what they read."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from actors import services as actors_services
from actors.models import MunicipalContact
from campaigns import services as campaigns_services
from campaigns.tests.helpers import ANVITA, PACTE, choices, framework, item, make_campaign, take_on
from commitments import declarations
from commitments.declarations import Committer, ProofGiven
from territories.models import Commune
from tests.support import make_group, make_partner_coordinator, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def call(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return call


@pytest.fixture
def people():
    fatou = make_user("fatou@example.org", display_name="Fatou Diallo")
    awa = make_user("awa@example.org", display_name="Awa")
    group = make_group("Accueil Saint-Denis", coordinator=fatou)
    group.memberships.create(user=awa, role="member")
    chloe = make_partner_coordinator("chloe@pacte.example.org", partner=PACTE, display_name="Chloé Pacte")
    ines = make_user("ines@example.org", display_name="Inès Adjointe")
    MunicipalContact.objects.create(
        user=ines,
        commune=Commune.objects.get(code="93066"),
        role="council",
        position="Adjointe à la solidarité",
        status="verified",
    )
    campaign = make_campaign(chloe, frameworks=(PACTE, ANVITA))
    target = take_on(campaign, group=group, user=fatou)
    return {"fatou": fatou, "awa": awa, "group": group, "chloe": chloe, "ines": ines, "target": target}


def to(messages):
    return sorted(address for message in messages for address in message.to)


def test_a_deliberation_recorded_in_a_campaign_is_told_to_the_group_the_organisers_and_the_town_hall(
    run, people
):
    mail.outbox.clear()
    run(
        lambda: campaigns_services.deliberation_record(
            target=people["target"],
            framework=framework(ANVITA),
            choices=choices("P1", "P2", slug=ANVITA),
            reference="DCM-2026-031",
            adopted_on=timezone.localdate(),
            user=people["fatou"],
        )
    )

    # Not its author, nor a plain member of the group.
    assert to(mail.outbox) == ["chloe@pacte.example.org", "ines@example.org"]
    message = next(m for m in mail.outbox if m.to == ["ines@example.org"])
    assert "Saint-Denis" in message.subject and "Charte de l" in message.subject
    assert "Bonjour Inès Adjointe," in message.body
    assert "Fatou Diallo a enregistré une délibération du conseil municipal pour Saint-Denis" in message.body
    assert "DCM-2026-031" in message.body and "2 engagements" in message.body
    assert "http://localhost:8000/campagnes/municipales-2026/communes/93066/" in message.body
    assert "contact municipal vérifié de cette commune" in message.body
    to_chloe = next(m for m in mail.outbox if m.to == ["chloe@pacte.example.org"])
    assert "qui organise la campagne «\u00a0Municipales 2026\u00a0»" in to_chloe.body


def test_a_council_deliberation_declared_by_a_group_waits_and_says_so(run, people):
    mail.outbox.clear()
    run(
        lambda: declarations.declaration_create(
            commune=Commune.objects.get(code="93066"),
            framework=framework(PACTE),
            choices=[(item("26"), None)],
            committed_on=timezone.localdate(),
            committer=Committer("council"),
            proof=ProofGiven(reference="2026-045"),
            user=people["awa"],
            capacity="local_group",
            organization=people["group"],
        )
    )

    assert to(mail.outbox) == ["chloe@pacte.example.org", "fatou@example.org", "ines@example.org"]
    to_fatou = next(m for m in mail.outbox if m.to == ["fatou@example.org"])
    assert "Awa (Accueil Saint-Denis) a enregistré" in to_fatou.body
    assert "attend la confirmation" in to_fatou.body
    assert "coordinatrice de «\u00a0Accueil Saint-Denis\u00a0»" in to_fatou.body


def test_a_list_s_commitment_declared_is_no_deliberation(run, people):
    mail.outbox.clear()
    run(
        lambda: declarations.declaration_create(
            commune=Commune.objects.get(code="93066"),
            framework=framework(PACTE),
            choices=[(item("26"), None)],
            committed_on=timezone.localdate(),
            committer=Committer("list", "Saint-Denis en commun", "Camille Martin"),
            proof=ProofGiven(reference="2026-045"),
            user=people["ines"],
            capacity="municipality",
        )
    )

    assert mail.outbox == []


def test_a_verified_contact_is_shown_the_way_to_my_commune_and_the_others_told(run, people):
    reviewer = make_partner_coordinator("claire@egm.example.org", display_name="Claire EGM")
    nadia = make_user("nadia@example.org", display_name="Nadia Maire")
    request = MunicipalContact.objects.create(
        user=nadia, commune=Commune.objects.get(code="93066"), role="staff", position="Directrice générale"
    )
    mail.outbox.clear()

    run(lambda: actors_services.municipal_contact_review(contact=request, reviewer=reviewer, verified=True))

    assert to(mail.outbox) == ["chloe@pacte.example.org", "fatou@example.org", "nadia@example.org"]
    to_nadia = next(m for m in mail.outbox if m.to == ["nadia@example.org"])
    assert "Saint-Denis" in to_nadia.subject
    assert (
        "Bonjour Nadia Maire," in to_nadia.body
        and "http://localhost:8000/compte/ma-commune/" in to_nadia.body
    )
    to_fatou = next(m for m in mail.outbox if m.to == ["fatou@example.org"])
    assert "Nadia Maire (agent ou agente de la commune, Directrice générale)" in to_fatou.body
    assert "http://localhost:8000/communes/93066/" in to_fatou.body


def test_a_verification_by_the_town_hall_s_link_is_told_too_and_a_rejection_is_not(
    run, people, django_capture_on_commit_callbacks
):
    reviewer = make_partner_coordinator("claire@egm.example.org")
    rejected = MunicipalContact.objects.create(
        user=make_user("x@example.org"), commune=Commune.objects.get(code="93066"), role="staff", position="?"
    )
    mail.outbox.clear()
    run(lambda: actors_services.municipal_contact_review(contact=rejected, reviewer=reviewer, verified=False))
    assert mail.outbox == []

    Commune.objects.filter(code="01001").update(town_hall_email="mairie@example.org")
    user = make_user("maire@example.org", display_name="Jean Maire")
    run(
        lambda: actors_services.municipal_contact_request(
            user=user,
            commune=Commune.objects.get(code="01001"),
            role="council",
            position="Maire",
            by_town_hall_email=True,
            site_url="http://testserver",
        )
    )
    link = re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert Client().post(link).status_code == 200

    # Nobody acts in L'Abergement yet: the contact alone is told.
    assert to(mail.outbox) == ["maire@example.org"]
    assert "http://localhost:8000/compte/ma-commune/" in mail.outbox[0].body
