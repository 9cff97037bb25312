"""The spreadsheet import of declared commitments (commitments.imports) and its command:
a dry run writes nothing, one bad row refuses the whole file, every error has its line and
column, a file imported again changes nothing, and the number of queries does not grow
with the rows."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments import imports
from commitments.declarations import Committer
from commitments.imports import (
    COLUMNS,
    ImportFileError,
    ImportRefused,
    import_apply,
    import_check,
    import_template,
)
from commitments.models import Declaration, DeclarationItem

from .declarations_helpers import EGM, LINK, declare, fr, item, recently

pytestmark = pytest.mark.django_db
PARTNER, STAFF = Declaration.Capacity.PARTNER, Declaration.Capacity.STAFF


def line(**values):
    row = {
        "code_insee": "93066",
        "commune": "Saint-Denis",
        "departement": "93",
        "referentiel": "pacte-pour-la-transition",
        "engagements": "01;26",
        "date": recently().strftime("%d/%m/%Y"),
        "engage_par": "liste",
        "nom_liste": "Saint-Denis en commun",
        "tete_de_liste": "Camille Martin",
        "lien_preuve": LINK,
        "deliberation": "",
    }
    row.update(values)
    return [row[column] for column in COLUMNS]


def csv_upload(rows, header=COLUMNS, name="engagements.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"))


def errors_of(report):
    return {(row.line, column): message for row in report.rows for column, message in row.errors}


def apply(upload, user=None, **options):
    options.setdefault("capacity", STAFF)
    return import_apply(upload, user=user, **options)


def test_a_dry_run_reports_each_row_and_writes_nothing():
    council = line(code_insee="01001", commune="", departement="", engage_par="conseil", nom_liste="")
    council[COLUMNS.index("tete_de_liste")] = ""
    report = import_check(csv_upload([line(), council]))

    assert report.ok, errors_of(report)
    assert [(row.line, row.action, row.commune) for row in report.rows] == [
        (2, "create", "Saint-Denis (93)"),
        (3, "create", "L'Abergement-Clémenciat (01)"),
    ]
    assert not Declaration.objects.exists()


def test_applying_writes_every_row_with_its_items_author_and_history(coordinator, egm):
    report = apply(
        csv_upload([line(), line(code_insee="01001", commune="", departement="01", engagements="B")]),
        coordinator,
        capacity=PARTNER,
        organization=egm,
    )

    assert report.counts["create"] == 2
    declaration = Declaration.objects.get(commune__code="93066")
    assert declaration.status == Declaration.Status.DECLARED
    assert (declaration.declared_by, declaration.declared_as, declaration.declared_for) == (
        coordinator,
        PARTNER,
        egm,
    )
    assert (declaration.list_name, declaration.head_name, declaration.proof_url) == (
        "Saint-Denis en commun",
        "Camille Martin",
        LINK,
    )
    assert declaration.list_key == "saint-denis en commun"
    assert set(declaration.items.values_list("item__code", flat=True)) == {"01", "26"}
    assert declaration.history.get().history_user_id == coordinator.pk
    assert DeclarationItem.history.filter(history_user_id=coordinator.pk).count() == 3


def test_one_bad_row_refuses_the_whole_file():
    upload = csv_upload([line(), line(code_insee="99999", commune="Saint-Deni", nom_liste="Autre liste")])

    with pytest.raises(ImportRefused) as refused:
        apply(upload)

    assert not Declaration.objects.exists() and not DeclarationItem.objects.exists()
    bad = refused.value.report.rows[1]
    assert bad.line == 3 and bad.action == "error"
    assert errors_of(refused.value.report) == {
        (3, "code_insee"): fr("Unknown INSEE code %(code)s.", code="99999")
    }
    assert any("Saint-Denis (93) — 93066" in suggestion for suggestion in bad.suggestions)


@pytest.mark.parametrize(
    ("values", "column"),
    [
        ({"code_insee": "930", "commune": ""}, "code_insee"),
        ({"code_insee": "93066", "commune": "Lyon"}, "commune"),
        ({"code_insee": "01001", "commune": ""}, "departement"),  # the department says another commune
        ({"code_insee": "13201", "commune": ""}, "code_insee"),  # an arrondissement
        ({"code_insee": "", "commune": "Nulle-Part-sur-Mer"}, "commune"),
        ({"departement": "999"}, "departement"),
        ({"referentiel": "charte-inconnue"}, "referentiel"),
        ({"referentiel": ""}, "referentiel"),
        ({"engagements": "01;ZZ"}, "engagements"),
        ({"engagements": ""}, "engagements"),
        ({"date": "31/02/2026"}, "date"),
        ({"date": "demain"}, "date"),
        ({"date": "15/03/2099"}, "date"),
        ({"date": "15/03/2019"}, "date"),
        ({"date": ""}, "date"),
        ({"engage_par": "maire"}, "engage_par"),
        ({"nom_liste": ""}, "nom_liste"),
        ({"tete_de_liste": ""}, "tete_de_liste"),
        ({"engage_par": "conseil"}, "nom_liste"),
        ({"lien_preuve": "", "deliberation": ""}, "lien_preuve"),
        ({"lien_preuve": "ftp://example.org/x"}, "lien_preuve"),
        ({"deliberation": "x" * 101}, "deliberation"),
        ({"nom_liste": "x" * 201}, "nom_liste"),
    ],
)
def test_each_error_has_its_line_and_column(values, column):
    report = import_check(csv_upload([line(), line(**{"nom_liste": "Autre liste", **values})]))

    assert not report.ok
    assert list(errors_of(report)) == [(3, column)]


def test_a_value_under_no_header_is_an_error():
    report = import_check(csv_upload([[*line(), "note"]]))
    assert (2, "L") in errors_of(report)


def test_the_same_commitment_twice_in_a_file():
    report = import_check(csv_upload([line(), line(nom_liste="SAINT-DENIS  EN COMMUN", engagements="A")]))

    assert errors_of(report) == {
        (3, "nom_liste"): fr(
            "The same commitment (commune, framework, list or council) as line %(line)s.", line=2
        )
    }


def test_a_file_imported_again_changes_nothing_and_other_items_are_refused(member):
    apply(csv_upload([line()]))

    again = import_check(csv_upload([line()]))
    assert [row.action for row in again.rows] == ["unchanged"]
    assert apply(csv_upload([line()])).counts == {"create": 0, "unchanged": 1, "error": 0}
    assert Declaration.objects.count() == 1

    changed = import_check(csv_upload([line(engagements="01")]))
    assert list(errors_of(changed)) == [(2, "engagements")]


def test_a_declaration_made_on_the_site_counts_too(member):
    declare(
        member, "26", committer=Committer(Declaration.CommittedBy.LIST, "Saint-Denis en commun", "C. Martin")
    )

    assert [row.action for row in import_check(csv_upload([line(engagements="26")])).rows] == ["unchanged"]
    assert not import_check(csv_upload([line()])).ok


def test_names_frameworks_and_codes_are_matched_loosely():
    header = [
        "Code INSEE",
        "Commune",
        "Référentiel",
        "Engagements",
        "Date",
        "Engagé par",
        "Nom liste",
        "Tête de liste",
        "Lien preuve",
        "Délibération",
    ]
    rows = [
        [
            "93066",
            "saint denis",
            "Pacte pour la Transition",
            "1, 26",
            "2026-04-10",
            "Conseil municipal",
            "",
            "",
            "",
            "2026-045",
        ]
    ]
    report = import_check(csv_upload(rows, header=header))

    assert report.ok, errors_of(report)
    apply(csv_upload(rows, header=header))
    declaration = Declaration.objects.get()
    assert declaration.committed_by == Declaration.CommittedBy.COUNCIL
    assert set(declaration.items.values_list("item__code", flat=True)) == {"01", "26"}


def test_another_framework_and_its_items():
    report = import_check(csv_upload([line(referentiel=EGM, engagements="5")]))
    assert report.ok, errors_of(report)
    apply(csv_upload([line(referentiel=EGM, engagements="5")]))
    assert Declaration.objects.get().items.get().item == item("5", EGM)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["commune", "referentiel", "engagements", "date", "engage_par", "bizarre"], "“bizarre”"),
        (["commune", "referentiel", "engagements", "date", "engage_par"], ": lien_preuve."),
        (["commune", "referentiel", "date", "engage_par", "lien_preuve"], ": engagements."),
        (["referentiel", "engagements", "date", "engage_par", "lien_preuve"], "code_insee"),
    ],
)
def test_the_whole_file_is_refused_for_its_columns(header, message):
    with pytest.raises(ImportFileError, match=re.escape(message)):
        import_check(csv_upload([["x"] * len(header)], header=header))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_is_a_valid_file(fmt):
    data, content_type, filename = import_template(fmt)
    assert filename.endswith("." + fmt) and content_type

    report = import_check(SimpleUploadedFile(filename, data))

    assert report.ok, errors_of(report)
    assert report.counts["create"] == 2


def test_queries_do_not_grow_with_the_rows():
    def queries_to_apply(rows):
        with CaptureQueriesContext(connection) as captured:
            apply(csv_upload(rows))
        return len(captured)

    few = queries_to_apply([line(nom_liste=f"Liste {n}") for n in range(3)])
    many = queries_to_apply([line(nom_liste=f"Autre liste {n}") for n in range(25)])

    assert Declaration.objects.count() == 28 and DeclarationItem.objects.count() == 56
    assert many == few


# The command line -------------------------------------------------------------------------


@pytest.fixture
def sheet(tmp_path):
    def write(rows):
        path = tmp_path / "engagements.csv"
        path.write_bytes(csv_upload(rows).read())
        return str(path)

    return write


def test_the_command_checks_then_imports(sheet, coordinator, egm, capsys):
    path = sheet([line(), line(nom_liste="Autre liste")])

    call_command("import_declarations", path, "--dry-run", "--no-progress")
    assert not Declaration.objects.exists()

    call_command(
        "import_declarations", path, "--user", coordinator.email, "--partner", "egm", "--no-progress"
    )
    assert (
        Declaration.objects.filter(declared_by=coordinator, declared_for=egm, declared_as=PARTNER).count()
        == 2
    )


def test_the_command_lists_the_errors_and_imports_nothing(sheet, capsys):
    path = sheet([line(), line(engagements="ZZ")])

    with pytest.raises(CommandError):
        call_command("import_declarations", path, "--no-progress")

    out = capsys.readouterr().out
    assert "3, engagements" in out and "ZZ" in out
    assert not Declaration.objects.exists()


def test_the_command_refuses_unknown_partners_and_files(sheet):
    with pytest.raises(CommandError):
        call_command("import_declarations", sheet([line()]), "--partner", "inconnu")
    with pytest.raises(CommandError):
        call_command("import_declarations", "/nulle/part.csv")


def test_the_limits_are_the_packages(monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 1)
    with pytest.raises(ImportFileError):
        import_check(csv_upload([line(), line(nom_liste="B")]))
