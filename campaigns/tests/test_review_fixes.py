"""What a review of the campaigns found, kept fixed: spreadsheet formulas in exports,
imports never rewriting signed bulletins, signed framework texts, mid-mandate bulletins
as the commune's commitments, groups claiming communes, closed campaigns and their links."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from actors.models import Organization
from campaigns import imports, services
from campaigns.models import Campaign, SignatureInvitation
from commitments.models import CommitmentItem, MandateCommitment
from frameworks.services import DATA_DIR, FrameworksLoadError, frameworks_load
from tests.support import browser, make_group, make_user

from .helpers import PACTE, csv_upload, framework, item, line, make_campaign, paper, take_on

pytestmark = pytest.mark.django_db


def test_exports_never_carry_formulas(campaign, target, first):
    paper(target, "A", candidate_list=first, name='=HYPERLINK("http://evil.example","clic")', role="+tête")
    text = b"".join(browser().get(campaign.get_absolute_url() + "export.csv").streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    signed = next(row for row in rows if row["signataire"])
    assert signed["signataire"].startswith("'=HYPERLINK") and signed["qualite"] == "'+tête"
    content = browser().get(campaign.get_absolute_url() + "export.xlsx").content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert not any(isinstance(value, str) and value.startswith("=") for value in values)
    assert any(isinstance(value, str) and value.startswith("'=HYPERLINK") for value in values)


def test_an_import_never_rewrites_a_bulletin_signed_on_paper(campaign, target, first, coordinator):
    commitment = paper(target, "A", "B", candidate_list=first)
    upload = csv_upload([line(liste=first.name, tete_de_liste=first.head_name, email="", engagements="01")])
    report = imports.import_check(upload, campaign=campaign)
    assert not report.ok
    [(column, _message)] = report.errors[0].errors
    assert column == "engagements"
    with pytest.raises(imports.ImportRefused):
        upload.seek(0)
        imports.import_apply(upload, campaign=campaign, user=coordinator)
    assert sorted(
        CommitmentItem.objects.filter(commitment=commitment).values_list("item__code", flat=True)
    ) == [
        "A",
        "B",
    ]
    # The same items: nothing to do.
    same = csv_upload([line(liste=first.name, tete_de_liste=first.head_name, email="", engagements="A;B")])
    assert imports.import_check(same, campaign=campaign).counts.get("unchanged") == 1


def test_the_text_of_a_signed_item_cannot_change_within_a_version(target, first, tmp_path):
    paper(target, "26", candidate_list=first)
    data = yaml.safe_load((DATA_DIR / "pacte-pour-la-transition.yaml").read_text(encoding="utf-8"))
    next(entry for entry in data["items"] if entry["code"] == "26")["summary"] = "Un autre texte."
    path = tmp_path / "pacte.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    before = item("26").summary
    with pytest.raises(FrameworksLoadError, match="26"):
        frameworks_load([path])
    assert item("26").summary == before
    # An unsigned item's text may still be corrected in place.
    next(entry for entry in data["items"] if entry["code"] == "01")["summary"] = "Un résumé corrigé."
    next(entry for entry in data["items"] if entry["code"] == "26")["summary"] = before
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    frameworks_load([path])
    assert item("01").summary == "Un résumé corrigé."


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


def test_the_import_template_passes_its_own_check_in_every_kind_of_campaign(coordinator):
    for kind in Campaign.Kind.values:
        campaign = make_campaign(coordinator, title=f"Campagne {kind}", kind=kind)
        content, _content_type, filename = imports.import_template("csv", campaign=campaign)
        report = imports.import_check(SimpleUploadedFile(filename, content), campaign=campaign)
        assert report.ok, [row.errors for row in report.rows]


def test_a_group_claims_a_followed_commune_only_in_its_territory(campaign, coordinator):
    target = take_on(campaign, user=coordinator)  # Saint-Denis, followed by the coordinators
    elsewhere = make_group("Accueil Bourg", commune="01001", coordinator=make_user("bourg@example.org"))
    with pytest.raises(services.CampaignsError):
        take_on(campaign, group=elsewhere)
    target.refresh_from_db()
    assert target.group is None
    here = make_group("Accueil Saint-Denis bis", commune="93066", coordinator=make_user("sd@example.org"))
    assert take_on(campaign, group=here).group == here
    department = Organization.objects.create(
        name="Collectif 93",
        slug="collectif-93",
        kind=Organization.Kind.LOCAL_GROUP,
        scale=Organization.Scale.DEPARTMENT,
        department=target.commune.department,
        status=Organization.Status.VALIDATED,
    )
    assert services.group_covers(department, target.commune)
    assert not services.group_covers(here, take_on(campaign, "01001", user=coordinator).commune)


def test_closing_a_campaign_ends_its_signature_links(campaign, target, first, member):
    invitation, token = services.invitation_send(
        target=target,
        framework=framework(PACTE),
        email="tete@example.org",
        sent_by=member,
        candidate_list=first,
    )
    services.campaign_update(
        campaign=campaign,
        title=campaign.title,
        description="",
        frameworks=list(campaign.frameworks.all()),
        organizers=list(campaign.organizers.all()),
        first_round=campaign.first_round,
        second_round=None,
        mandate_start=2026,
        mandate_end=2032,
        is_open=False,
        letter_template=campaign.letter_template,
    )
    invitation.refresh_from_db()
    assert invitation.cancelled_at is not None
    assert browser().get(f"/signer/{token}/").status_code == 410


def test_a_link_of_a_closed_campaign_cannot_sign(campaign, target, first, member):
    invitation, token = services.invitation_send(
        target=target,
        framework=framework(PACTE),
        email="tete@example.org",
        sent_by=member,
        candidate_list=first,
    )
    Campaign.objects.filter(pk=campaign.pk).update(is_open=False)  # closed without the service
    with pytest.raises(services.CampaignsError):
        services.sign_online(
            token=token,
            choices=[(item("A"), None, "")],
            signatory_name="Marie Curie",
            signatory_role="tête de liste",
            terms_accepted=True,
        )
    assert not SignatureInvitation.objects.filter(used_at__isnull=False).exists()


def test_a_second_withdrawal_by_the_same_link_is_a_message(campaign, target, first, immediate_tasks):
    from commitments.models import Commitment
    from core.tokens import new_token

    commitment = paper(target, "A", candidate_list=first)
    token, hashed = new_token()
    Commitment.objects.filter(pk=commitment.pk).update(withdraw_token_hash=hashed)
    client = browser()
    assert client.post(f"/retrait/{token}/", {"reason": ""}).status_code == 302
    assert client.post(f"/retrait/{token}/", {"reason": ""}).status_code == 404  # the link is spent


def test_a_stale_import_stops_refreshing(campaign, coordinator, media_root):
    from campaigns.models import ImportJob

    _report, job = services.import_job_check(campaign=campaign, user=coordinator, upload=csv_upload([line()]))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.QUEUED, created_at=timezone.now() - timedelta(hours=2)
    )
    page = browser(coordinator).get(job.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' not in page


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
