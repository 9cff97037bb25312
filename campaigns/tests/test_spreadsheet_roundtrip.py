"""Spreadsheets round-trip: the import template (levels, comments, answers, an
instructions sheet and drop-down lists), the import of levels, comments and refusals, and
a campaign's export edited then imported again."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from campaigns import services
from campaigns.imports import COLUMNS, import_apply, import_check, import_template
from campaigns.models import Step, Target
from commitments.models import Commitment, CommitmentItem
from tests.support import browser

from .helpers import add_list, csv_upload, fr, item, line, take_on, today

pytestmark = pytest.mark.django_db

HEADER = [*COLUMNS, "niveau_07", "commentaire_07", "commentaire_26"]


def row(**values):
    return [
        values.get(column, default) for column, default in zip(HEADER, line() + ["", "", ""], strict=True)
    ]


def upload(rows, header=HEADER):
    return csv_upload(rows, header=header, delimiter=";", bom=True)


def errors_of(report):
    return {(r.line, column): message for r in report.errors for column, message in r.errors}


def exported(campaign, fmt="csv"):
    response = browser().get(campaign.get_absolute_url() + f"export.{fmt}")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if fmt == "xlsx":
        return content
    assert content.startswith("\ufeff".encode())
    return content


def csv_rows(content):
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def as_csv(rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("export.csv", buffer.getvalue().encode("utf-8-sig"))


# The template ---------------------------------------------------------------------------


def test_the_xlsx_template_has_instructions_and_drop_down_lists(campaign):
    with translation.override("fr"):
        content, _type, filename = import_template("xlsx", campaign=campaign)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    data, instructions, lists = workbook.worksheets
    assert data.title == "engagements" and lists.sheet_state == "hidden"
    assert instructions.title == "Mode d’emploi"
    header = [cell.value for cell in data[1]]
    assert {"niveau_07", "commentaire_07", "commentaire_26", "reponse", "date_refus"} <= set(header)
    assert "niveau_26" not in header  # item 26 has no levels
    validated = {}
    for validation in data.data_validations.dataValidation:
        letter = str(validation.sqref).split(":")[0].rstrip("0123456789")
        validated[header[openpyxl.utils.column_index_from_string(letter) - 1]] = validation.formula1
    assert set(validated) == {"referentiel", "reponse", "elue", "niveau_07"}
    assert validated["reponse"] == '"signé,refus,en attente"'
    assert validated["referentiel"].startswith("'listes'!$A$2")
    assert [cell.value for cell in lists["A"] if cell.value][1:] == ["Charte ANVITA", "Pacte"]  # short titles
    assert lists["B"][1].value.startswith("1 — Au moins 50 %")
    text = "\n".join(str(cell.value) for column in instructions.iter_cols() for cell in column if cell.value)
    assert "Comment remplir ce fichier" in text
    assert "Le niveau choisi pour l’engagement 07" in text and "signé, refus, en attente" in text
    # The example passes its own check.
    report = import_check(SimpleUploadedFile(filename, content), campaign=campaign)
    assert report.ok, errors_of(report)


def test_the_csv_template_has_the_same_columns(campaign):
    content, _type, _name = import_template("csv", campaign=campaign)
    assert content.startswith("\ufeff".encode())
    header = content.decode("utf-8-sig").splitlines()[0].split(";")
    assert header[:16] == COLUMNS and "niveau_07" in header


# Levels, comments, refusals ---------------------------------------------------------------


def test_levels_and_comments_are_imported_and_shown_in_the_dry_run(campaign, coordinator):
    rows = [
        row(referentiel="Pacte", engagements="07;26", niveau_07="2", commentaire_26="Dès 2026"),
        row(
            liste="Autre", referentiel="pacte pour la transition", engagements="7", niveau_07="1 — n'importe"
        ),
    ]
    with translation.override("fr"):
        report = import_check(upload(rows), campaign=campaign)
    assert report.ok, errors_of(report)
    details = report.rows[0].details
    assert details[0] == "Pacte : engagements 07, 26"
    assert details[1].startswith("Niveau de 07 : 2 — Au moins 75 %")
    assert details[2] == "Commentaire sur 26 : « Dès 2026 »"
    import_apply(upload(rows), campaign=campaign, user=coordinator)
    chosen = {
        (c.commitment.candidate_list.name, c.item.code): (c.level.code if c.level else None, c.comment)
        for c in CommitmentItem.objects.select_related("commitment__candidate_list", "item", "level")
    }
    assert chosen == {
        ("Saint-Denis en commun", "07"): ("2", ""),
        ("Saint-Denis en commun", "26"): (None, "Dès 2026"),
        ("Autre", "07"): ("1", ""),
    }


def test_what_is_wrong_in_levels_and_comments(campaign):
    rows = [
        row(engagements="26", niveau_07="2"),  # 07 is not signed
        row(liste="B", engagements="07", niveau_07="9"),
        row(liste="C", engagements="07", commentaire_07="x" * 1001),
        row(liste="D", referentiel="anvita-charte", engagements="1", niveau_07="1"),  # no 07 in ANVITA
    ]
    with translation.override("fr"):
        errors = errors_of(import_check(upload(rows), campaign=campaign))
    assert set(errors) == {(2, "niveau_07"), (3, "niveau_07"), (4, "commentaire_07"), (5, "niveau_07")}
    assert (
        errors[(3, "niveau_07")] == "Niveau « 9 » inconnu pour l’engagement 07. Valeurs possibles : 1, 2, 3."
    )
    assert errors[(4, "commentaire_07")] == "1000 caractères au plus."


def test_refusals_and_lists_without_answer(campaign, coordinator):
    rows = [
        row(
            liste="Refus",
            tete_de_liste="Léa Roux",
            reponse="refus",
            date_refus="02/03/2026",
            motif_refus="Non",
            engagements="",
            date_signature="",
        ),
        row(liste="En attente", tete_de_liste="Paul Roy", engagements="", date_signature=""),
        row(
            code_insee="75056",
            commune="Paris",
            departement="75",
            liste="",
            tete_de_liste="",
            email="",
            engagements="",
            date_signature="",
            date_refus="01/03/2026",
        ),
        row(liste="Mauvais", reponse="refus", date_refus=""),
    ]
    with translation.override("fr"):
        report = import_check(upload(rows), campaign=campaign)
    errors = errors_of(report)
    assert set(errors) == {(5, "date_refus"), (5, "engagements"), (5, "date_signature")}
    assert report.rows[0].details == ["Refus du 2 mars 2026", "Motif : « Non »"]
    assert report.rows[2].details == ["Refus du 1er mars 2026"]
    import_apply(upload(rows[:3]), campaign=campaign, user=coordinator)
    refusals = {
        (
            step.target.commune.code,
            step.candidate_list.name if step.candidate_list else None,
        ): step.public_reason
        for step in Step.objects.filter(kind=Step.Kind.REFUSAL).select_related(
            "target__commune", "candidate_list"
        )
    }
    assert refusals == {("93066", "Refus"): "Non", ("75056", None): ""}
    statuses = dict(Target.objects.values_list("commune__code", "status"))
    assert statuses == {"93066": Target.Status.INTERPELLATED, "75056": Target.Status.REFUSED}
    assert not Commitment.objects.exists()


# The export, edited, imported again ----------------------------------------------------------


def test_an_export_edited_imports_again(campaign, target, first, second, coordinator):
    items = {code: item(code) for code in ("07", "26")}
    services.paper_record(
        target=target,
        framework=items["07"].framework,
        choices=[(items["07"], items["07"].levels.get(code="2"), "Dès la rentrée"), (items["26"], None, "")],
        candidate_list=first,
        signatory_name="Marie Curie",
        signatory_role="tête de liste",
        signed_on=today(),
    )
    services.step_add(
        target=target, kind="refusal", date=today(), candidate_list=second, public_reason="Pas ça"
    )
    third = add_list(target, name="Troisième liste", head_name="Jean Moulin", email="")
    take_on(campaign, "75056", user=coordinator)

    rows = csv_rows(exported(campaign))
    by_list = {(r["code_insee"], r["liste"]): r for r in rows}
    signed = by_list[("93066", first.name)]
    assert signed["reponse"] == "signé" and signed["engagements"] == "07;26"
    assert (
        signed["niveau_07"].startswith("2 — Au moins 75 %") and signed["commentaire_07"] == "Dès la rentrée"
    )
    assert signed["intitules_engagements"].startswith("07 — Alimentation bio")
    assert (by_list[("93066", second.name)]["reponse"], by_list[("93066", second.name)]["motif_refus"]) == (
        "refus",
        "Pas ça",
    )
    assert by_list[("93066", third.name)]["reponse"] == "en attente"
    assert by_list[("75056", "")]["reponse"] == "en attente"  # the commune alone

    # As exported, the file changes nothing (CSV and XLSX).
    report = import_check(as_csv(rows), campaign=campaign)
    assert report.ok, errors_of(report)
    assert report.counts["unchanged"] == len(rows)
    xlsx = import_check(SimpleUploadedFile("export.xlsx", exported(campaign, "xlsx")), campaign=campaign)
    assert xlsx.ok and xlsx.counts["unchanged"] == len(rows), errors_of(xlsx)

    # Edited: the third list signs with a comment, the refusal's reason is corrected,
    # Paris's municipality refuses.
    edited = by_list[("93066", third.name)]
    edited.update(
        reponse="",
        referentiel="Pacte",
        engagements="26",
        signataire="Jean Moulin",
        qualite="tête de liste",
        date_signature=today().strftime("%d/%m/%Y"),
        commentaire_07="",
    )
    edited["commentaire_26"] = "Un lieu en 2027"
    by_list[("93066", second.name)]["motif_refus"] = "Pas avant l'élection"
    by_list[("75056", "")].update(
        reponse="refus", date_refus=today().isoformat(), motif_refus="Le conseil refuse"
    )
    for r in rows:
        r.setdefault("commentaire_26", "")
    with translation.override("fr"):
        report = import_check(as_csv(rows), campaign=campaign)
    assert report.ok, errors_of(report)
    outcomes = {(r.commune, r.list_name): (r.action, r.changes) for r in report.rows}
    assert outcomes[("Saint-Denis (93)", third.name)] == ("create", [])
    assert outcomes[("Saint-Denis (93)", second.name)] == ("update", ["refus"])
    assert outcomes[("Paris (75)", "")] == ("create", [])
    import_apply(as_csv(rows), campaign=campaign, user=coordinator)

    commitment = Commitment.objects.get(candidate_list=third)
    assert [(i.item.code, i.comment) for i in commitment.items.all()] == [("26", "Un lieu en 2027")]
    assert commitment.channel == Commitment.Channel.IMPORT
    assert Step.objects.get(candidate_list=second, kind="refusal").public_reason == "Pas avant l'élection"
    assert Target.objects.get(commune__code="75056").status == Target.Status.REFUSED
    # And exported again, it says so.
    again = {(r["code_insee"], r["liste"]): r for r in csv_rows(exported(campaign))}
    assert again[("93066", third.name)]["commentaire_26"] == "Un lieu en 2027"
    assert again[("75056", "")]["motif_refus"] == "Le conseil refuse"


def test_a_bulletin_signed_on_paper_keeps_its_levels_and_comments(campaign, target, first, coordinator):
    services.paper_record(
        target=target,
        framework=item("07").framework,
        choices=[(item("07"), item("07").levels.get(code="2"), "")],
        candidate_list=first,
        signatory_name="Marie Curie",
        signatory_role="tête de liste",
        signed_on=today(),
    )
    rows = csv_rows(exported(campaign))
    signed = next(r for r in rows if r["liste"] == first.name)
    signed["niveau_07"] = "3"
    report = import_check(as_csv(rows), campaign=campaign)
    assert errors_of(report)[(rows.index(signed) + 2, "engagements")] == fr(
        "This bulletin was signed online, on paper or by deliberation: a spreadsheet does "
        "not change it (%(changes)s differ; it can be withdrawn, then signed again).",
        changes="levels",
    ).replace("levels", "niveaux")


def test_an_imported_bulletin_is_corrected(campaign, coordinator):
    import_apply(upload([row(engagements="07", niveau_07="1")]), campaign=campaign, user=coordinator)
    corrected = [
        row(engagements="07", niveau_07="2", signataire="Camille Martin-Roy", date_signature="16/03/2026")
    ]
    report = import_check(upload(corrected), campaign=campaign)
    assert report.counts["update"] == 1
    assert [str(change) for change in report.rows[0].changes] == [
        "niveaux",
        "signataire",
        "date de signature",
    ]
    import_apply(upload(corrected), campaign=campaign, user=coordinator)
    commitment = Commitment.objects.get()
    assert (commitment.signatory_name, commitment.signed_on.day) == ("Camille Martin-Roy", 16)
    assert commitment.items.get().level.code == "2"
    assert commitment.history.count() == 2 and CommitmentItem.history.count() == 2
    assert import_check(upload(corrected), campaign=campaign).counts["unchanged"] == 1
