"""The account's data export and deletion run what every app registered in
core.personal_data: campaigns, frameworks, moderation and actors included."""

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts import services
from accounts.models import User
from actors.models import Invitation, Organization
from campaigns.models import Campaign, ImportJob, SignatureInvitation, Step, Target
from commitments.models import Commitment
from core import personal_data
from core.personal_data import PersonalData
from core.tokens import new_token
from frameworks.models import Framework, FrameworkDraft
from moderation.models import ModerationDecision
from territories.models import Commune
from tests.support import PASSWORD, make_group, make_user

pytestmark = pytest.mark.django_db

PACTE = "pacte-pour-la-transition"


@pytest.fixture
def alice():
    return make_user("alice@example.org", display_name="Alice")


@pytest.fixture
def bob():
    return make_user("bob@example.org", display_name="Bob")


@pytest.fixture
def alices_work(alice, bob):
    """What Alice did across the apps, each row made directly (the services are tested
    in their apps)."""
    pacte = Framework.objects.get(slug=PACTE, is_current=True)
    partner = Organization.objects.get(slug=PACTE)
    campaign = Campaign.objects.create(
        title="Municipales 2026", slug="m26", kind="election", created_by=alice
    )
    target = Target.objects.create(
        campaign=campaign, commune=Commune.objects.get(code="93066"), created_by=alice
    )
    Step.objects.create(
        target=target, kind="letter", date=date(2026, 1, 10), notes="Lettre déposée", created_by=alice
    )
    Commitment.objects.create(
        target=target,
        framework=pacte,
        channel="paper",
        signatory_name="Camille Martin",
        signatory_role="tête de liste",
        signed_on=date(2026, 2, 1),
        created_by=alice,
    )
    SignatureInvitation.objects.create(
        target=target,
        framework=pacte,
        email="tete@example.org",
        token_hash=new_token()[1],
        sent_by=alice,
        expires_at=timezone.now() + timedelta(days=30),
    )
    ImportJob.objects.create(campaign=campaign, created_by=alice, filename="engagements.csv", row_count=3)
    group = make_group("Accueil Saint-Denis", created_by=alice)
    Invitation.objects.create(
        organization=group,
        email="dora@example.org",
        token_hash=new_token()[1],
        invited_by=alice,
        expires_at=timezone.now() + timedelta(days=7),
    )
    ModerationDecision.objects.create(content=group, action="hide", reason="Essai", moderator=alice)
    # A draft Bob opened, that Alice edited afterwards (the history says so).
    draft = FrameworkDraft.objects.create(
        slug=PACTE,
        base=pacte,
        publisher=partner,
        data={"title": "Pacte 2027"},
        created_by=bob,
        updated_by=bob,
    )
    draft.change = "Alice's change"
    draft._history_user = alice
    draft.save()
    FrameworkDraft.objects.filter(pk=draft.pk).update(updated_by=bob)
    return campaign


def test_the_export_has_what_every_app_stores_about_me(client, alice, alices_work):
    client.force_login(alice)

    data = json.loads(client.get("/compte/mes-donnees/export.json").content)

    assert [c["title"] for c in data["campaigns_created"]] == ["Municipales 2026"]
    assert [t["commune"] for t in data["communes_taken_on"]] == ["93066"]
    assert [s["notes"] for s in data["steps_logged"]] == ["Lettre déposée"]
    assert [c["signatory"] for c in data["commitments_recorded"]] == ["Camille Martin"]
    assert [i["email"] for i in data["signature_invitations_sent"]] == ["tete@example.org"]
    assert [j["file"] for j in data["imports_run"]] == ["engagements.csv"]
    assert [i["email"] for i in data["invitations_sent"]] == ["dora@example.org"]
    assert [d["reason"] for d in data["moderation_decisions"]] == ["Essai"]
    assert [(d["title"], d["created_by_me"]) for d in data["framework_drafts"]] == [("Pacte 2027", False)]
    assert [o["name"] for o in data["organizations_created"]] == ["Accueil Saint-Denis"]


def test_the_export_of_someone_else_has_none_of_it(client, bob, alices_work):
    client.force_login(bob)

    data = json.loads(client.get("/compte/mes-donnees/export.json").content)

    for section in [
        "campaigns_created",
        "communes_taken_on",
        "steps_logged",
        "commitments_recorded",
        "signature_invitations_sent",
        "imports_run",
        "invitations_sent",
        "moderation_decisions",
    ]:
        assert data[section] == [], section
    assert [(d["title"], d["created_by_me"]) for d in data["framework_drafts"]] == [("Pacte 2027", True)]
    assert "Lettre déposée" not in json.dumps(data, ensure_ascii=False)


@pytest.fixture
def probe():
    """An app of the test's own in the registry: what it was asked to erase, and the
    refusal it gives (None: it lets the account go)."""
    calls = {"erased": [], "refusal": None}
    personal_data.register(
        PersonalData(
            app="probe",
            covers=(),
            export=lambda user: {},
            erase=calls["erased"].append,
            refusal=lambda user: calls["refusal"],
        )
    )
    yield calls
    personal_data.unregister("probe")


def test_deletion_runs_every_apps_erasure_and_keeps_the_campaigns_record(alice, alices_work, probe):
    Invitation.objects.create(
        organization=Organization.objects.get(slug=PACTE),
        email="ALICE@example.org",
        token_hash=new_token()[1],
        expires_at=timezone.now() + timedelta(days=7),
    )

    services.account_delete(user=alice)

    assert probe["erased"] == [alice]
    assert not User.objects.filter(email="alice@example.org").exists()
    assert not Invitation.objects.filter(email__iexact="alice@example.org").exists()  # actors' erasure
    campaign = Campaign.objects.get(pk=alices_work.pk)
    assert campaign.created_by is None
    assert Step.objects.get(notes="Lettre déposée").created_by is None


def test_deletion_shows_every_refusal_and_erases_nothing(client, alice, probe):
    probe["refusal"] = "Pas encore."
    client.force_login(alice)

    response = client.post("/compte/supprimer/", {"password": PASSWORD})

    assert response.status_code == 200
    assert "Pas encore." in response.content.decode()
    assert probe["erased"] == []
    assert User.objects.filter(pk=alice.pk).exists()
