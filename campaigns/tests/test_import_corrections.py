"""Importing a corrected file again: an imported bulletin takes the corrected signatory, role
and date (test_spreadsheet_roundtrip), but a bulletin signed online, on paper or by
deliberation is the signatory's word. A file that gives it another signatory, role or date
is refused on that line, in the dry run, with the signature recorded — never ignored as
"unchanged" — and applying it writes nothing."""

from datetime import date

import pytest
from django.utils import translation

from campaigns import imports, services
from campaigns.models import Campaign, ImportJob
from commitments.models import Commitment
from tests.support import browser

from .helpers import choices, csv_upload, framework, item, line, make_campaign, paper, take_on

pytestmark = pytest.mark.django_db

SIGNED_ON = date(2026, 3, 20)


def bulletin_line(candidate_list, **values):
    """The line of the list's bulletin (items A and B) as recorded, but for `values`."""
    recorded = {
        "liste": candidate_list.name,
        "tete_de_liste": candidate_list.head_name,
        "email": "",
        "engagements": "A;B",
        "date_signature": SIGNED_ON.strftime("%d/%m/%Y"),
    }
    return line(**{**recorded, **values})


def check(campaign, *rows):
    with translation.override("fr"):
        return imports.import_check(csv_upload(list(rows)), campaign=campaign)


def error_of(report):
    [row] = report.rows
    [(column, message)] = row.errors
    assert row.action == "error" and row.changes == []
    return column, message


@pytest.fixture
def on_paper(target, first):
    return paper(target, "A", "B", candidate_list=first, signed_on=SIGNED_ON)


@pytest.mark.parametrize(
    ("values", "column", "differences"),
    [
        ({"signataire": "Marie Curie-Sklodowska"}, "signataire", "signataire"),
        ({"qualite": "colistière"}, "qualite", "rôle"),
        ({"date_signature": "21/03/2026"}, "date_signature", "date de signature"),
        (
            {"signataire": "Irène Joliot-Curie", "date_signature": "2026-03-21"},
            "signataire",
            "signataire, date de signature",
        ),
    ],
)
def test_another_signature_of_a_paper_bulletin_is_refused_with_the_one_recorded(
    campaign, first, on_paper, coordinator, values, column, differences
):
    report = check(campaign, bulletin_line(first, **values))

    assert error_of(report) == (
        column,
        "Ce bulletin a été signé en ligne, sur papier ou par délibération, par Marie Curie "
        f"(tête de liste) le 20 mars 2026 : un tableur ne le modifie pas (différences : {differences}). "
        "Recopiez sa signature telle qu’elle est enregistrée, ou laissez vides les colonnes "
        "«\u00a0signataire\u00a0» et «\u00a0qualite\u00a0» ; le bulletin peut être retiré, puis signé à nouveau.",
    )
    with pytest.raises(imports.ImportRefused):
        imports.import_apply(
            csv_upload([bulletin_line(first, **values)]), campaign=campaign, user=coordinator
        )
    on_paper.refresh_from_db()
    assert (on_paper.signatory_name, on_paper.signatory_role, on_paper.signed_on) == (
        "Marie Curie",
        "tête de liste",
        SIGNED_ON,
    )
    assert on_paper.history.count() == 1


def test_the_same_signature_or_none_given_is_unchanged(campaign, first, on_paper):
    """The signatory and role are compared only when the file gives them (spaces and all)."""
    same = bulletin_line(first, signataire=" Marie  Curie ", qualite="tête de liste")

    assert check(campaign, same).counts["unchanged"] == 1
    assert check(campaign, bulletin_line(first)).counts["unchanged"] == 1


def test_a_bulletin_signed_online_keeps_its_date(campaign, target, first, member):
    _invitation, token = services.invitation_send(
        target=target, framework=framework(), email="tete@example.org", sent_by=member, candidate_list=first
    )
    online = services.sign_online(
        token=token,
        choices=choices("A", "B"),
        signatory_name="Marie Curie",
        signatory_role="tête de liste",
        terms_accepted=True,
    )
    online.signed_on = date(2026, 12, 1)  # the day of the month as French writes it: « 1er »
    online.save(update_fields=["signed_on"])

    column, message = error_of(check(campaign, bulletin_line(first)))

    assert column == "date_signature"
    assert "par Marie Curie (tête de liste) le 1er décembre 2026 : " in message
    assert "(différences : date de signature)" in message


def test_a_deliberation_keeps_its_signatory_and_role(coordinator):
    mid_mandate = make_campaign(coordinator, title="Mi-mandat", kind=Campaign.Kind.MID_MANDATE)
    with translation.override("fr"):
        services.deliberation_record(
            target=take_on(mid_mandate, user=coordinator),
            framework=framework(),
            choices=[(item("A"), None, ""), (item("B"), None, "")],
            reference="DEL-2026-014",
            adopted_on=SIGNED_ON,
        )
    as_recorded = {
        "liste": "",
        "tete_de_liste": "",
        "email": "",
        "engagements": "A;B",
        "signataire": "Conseil municipal de Saint-Denis",
        "date_signature": "20/03/2026",
    }

    report = check(mid_mandate, line(**as_recorded, qualite="maire"))

    column, message = error_of(report)
    assert column == "qualite", message
    assert (
        "par Conseil municipal de Saint-Denis (délibération du conseil municipal) le 20 mars 2026" in message
    )
    assert (
        check(mid_mandate, line(**as_recorded, qualite="délibération du conseil municipal")).counts[
            "unchanged"
        ]
        == 1
    )
    assert Commitment.objects.get().channel == Commitment.Channel.DELIBERATION


@pytest.mark.usefixtures("media_root")
def test_the_dry_run_page_shows_the_reason(campaign, first, on_paper, coordinator):
    client = browser(coordinator)
    client.cookies.load({"django_language": "fr"})

    response = client.post(
        campaign.get_absolute_url() + "import/",
        {"file": csv_upload([bulletin_line(first, signataire="Pierre Curie")])},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "par Marie Curie (tête de liste) le 20 mars 2026" in page
    assert "(différences : signataire)" in page
    assert not ImportJob.objects.exists()  # a file with errors keeps no job
