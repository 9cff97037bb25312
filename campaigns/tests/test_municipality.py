"""A municipality commits directly: its verified contact follows the commune in a campaign
(without a group) and records the council's deliberation, which becomes the commune's
commitment for the mandate."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from actors.models import MunicipalContact, Organization
from campaigns import services
from campaigns.models import Campaign, Target
from commitments.models import Commitment, MandateCommitment
from frameworks.models import Framework
from territories.models import Commune
from tests.support import browser, make_partner_coordinator, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def campaign():
    return services.campaign_create(
        user=make_partner_coordinator("coordination@example.org"),
        title="Mi-mandat 2029",
        kind=Campaign.Kind.MID_MANDATE,
        frameworks=[Framework.objects.get(slug="anvita-charte", is_current=True)],
        organizers=[Organization.objects.get(slug="egm")],
    )


@pytest.fixture
def contact():
    user = make_user("adjointe@saint-denis.example.org")
    MunicipalContact.objects.create(
        user=user,
        commune=Commune.objects.get(code="93066"),
        role=MunicipalContact.Role.COUNCIL,
        position="Adjointe à la solidarité",
        status=MunicipalContact.Status.VERIFIED,
        method=MunicipalContact.Method.TOWN_HALL_EMAIL,
        verified_at=timezone.now(),
    )
    return user


def test_a_municipal_contact_follows_their_commune_and_records_a_deliberation(campaign, contact):
    client = browser(contact)
    page = client.get(campaign.get_absolute_url() + "suivre/")
    assert page.status_code == 200
    response = client.post(campaign.get_absolute_url() + "suivre/", {"commune": "93066", "group": ""})
    assert response.status_code == 302
    target = Target.objects.get(campaign=campaign, commune__code="93066")
    assert target.group is None

    framework = campaign.frameworks.get()
    items = list(framework.items.order_by("position")[:2])
    form = client.get(target.get_absolute_url() + "deliberation/")
    assert form.status_code == 200
    response = client.post(
        target.get_absolute_url() + "deliberation/",
        {
            "reference": "DEL-2029-012",
            "adopted_on": "2026-06-30",
            "file": SimpleUploadedFile(
                "deliberation.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf"
            ),
            **{f"item_{item.pk}": "on" for item in items},
        },
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get(target=target)
    assert commitment.channel == Commitment.Channel.DELIBERATION
    assert commitment.deliberation_file.name.endswith(".pdf")
    mandate = MandateCommitment.objects.get(commitment=commitment)
    assert (mandate.start_year, mandate.end_year) == (campaign.mandate_start, campaign.mandate_end)
    target.refresh_from_db()
    assert target.status == Target.Status.COMMITTED
    # The contact records the deliberation but manages nothing else of the target.
    assert (
        client.post(
            target.get_absolute_url() + "journal/", {"kind": "meeting", "date": "2026-06-01"}
        ).status_code
        == 403
    )
    # The commune page shows the commitment for the mandate.
    html = browser().get("/communes/93066/").content.decode()
    assert "DEL-2029-012" in html


def test_a_municipal_contact_follows_no_other_commune(campaign, contact):
    response = browser(contact).post(
        campaign.get_absolute_url() + "suivre/", {"commune": "01001", "group": ""}
    )
    assert response.status_code == 200
    assert not Target.objects.filter(campaign=campaign).exists()
    assert "vous représentez" in response.content.decode()
