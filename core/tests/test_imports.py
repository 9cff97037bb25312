"""core.imports: the report every spreadsheet import returns, and the helpers of their
commands (the imports of campaigns and commitments test them through their own files and
commands)."""

import io
from dataclasses import dataclass
from typing import ClassVar

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError, OutputWrapper
from django.core.management.color import no_style
from django.utils import translation

from core import imports
from core.imports import ImportFileError, ImportRefused, ImportReport, ReportPrinter, RowOutcome


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_an_error_makes_the_row_an_error():
    row = RowOutcome(line=4, commune="Saint-Denis (93)")
    assert (row.action, row.action_label) == ("create", "new")

    row.error("code_insee", "Unknown.")
    assert (row.action, row.action_label, row.errors) == ("error", "error", [("code_insee", "Unknown.")])


def test_the_report_counts_every_action():
    rows = [RowOutcome(line=2), RowOutcome(line=3, action=imports.UNCHANGED), RowOutcome(line=4)]
    rows[2].error("commune", "No.")
    report = ImportReport(rows=rows)

    assert report.counts == {"create": 1, "update": 0, "unchanged": 1, "error": 1}
    assert report.errors == [rows[2]] and not report.ok
    assert ImportReport(rows=rows[:2]).ok


@dataclass
class _Outcome(RowOutcome):
    labels: ClassVar[dict] = {
        imports.CREATE: "nouveau",
        imports.UNCHANGED: "déjà là",
        imports.ERROR: "erreur",
    }

    framework: str = ""


class _Report(ImportReport):
    actions = (imports.CREATE, imports.UNCHANGED, imports.ERROR)


def test_an_import_names_its_own_actions_and_columns():
    row = _Outcome(line=2, framework="Pacte", action=imports.UNCHANGED)
    assert row.action_label == "déjà là" and row.framework == "Pacte"
    assert _Report(rows=[row]).counts == {"create": 0, "unchanged": 1, "error": 0}


def test_refused_says_how_many_lines_have_errors():
    rows = [RowOutcome(line=2), RowOutcome(line=3)]
    rows[1].error("date", "Unreadable.")
    refused = ImportRefused(ImportReport(rows=rows))
    assert refused.report.errors == [rows[1]]
    assert str(refused) == "The file has errors on 1 line: nothing was imported."


def test_read_refuses_a_file_as_an_import_file_error():
    sheet = imports.read(
        SimpleUploadedFile("a.csv", b"code_insee;commune\n93066;Saint-Denis\n"),
        columns=["code_insee", "commune"],
        max_bytes=1000,
        max_rows=10,
    )
    assert sheet.rows == [(2, {"code_insee": "93066", "commune": "Saint-Denis"}, None)]
    with pytest.raises(ImportFileError, match="Unknown columns"):
        imports.read(
            SimpleUploadedFile("a.csv", b"bizarre\nx\n"), columns=["commune"], max_bytes=1000, max_rows=10
        )


# The command line


def printer():
    out = io.StringIO()
    return ReportPrinter(OutputWrapper(out), no_style(), lambda counts: f"{counts['create']} new."), out


def test_the_printer_lists_errors_with_suggestions_then_refuses():
    rows = [RowOutcome(line=2), RowOutcome(line=3)]
    rows[1].error("commune", "No commune named “Saint-Deniss”.")
    rows[1].suggestions = ["Saint-Denis (93) — 93066", "Saint-Denis (974) — 97411"]
    report_printer, out = printer()

    with pytest.raises(CommandError, match="1 line has errors: nothing was imported."):
        report_printer.refuse_report(ImportReport(rows=rows))

    assert out.getvalue().splitlines() == [
        "Line 3, commune: No commune named “Saint-Deniss”.",
        "  Suggestions: Saint-Denis (93) — 93066; Saint-Denis (974) — 97411",
        "1 new.",
    ]


def test_the_printer_says_a_dry_run_and_success():
    report_printer, out = printer()
    report_printer.dry_run({"create": 2})
    report_printer.done({"create": 2})
    assert out.getvalue().splitlines() == ["2 new. Dry run: nothing was written.", "2 new."]


def test_the_progress_bar_is_made_when_the_total_is_known(capsys):
    progress = imports.Progress(disable=False)
    progress.close()  # before any row: nothing to close
    progress(10, 40)
    progress(30, 40)
    assert (progress.bar.n, progress.bar.total) == (30, 40)
    progress.close()
    assert "30/40" in capsys.readouterr().err
    quiet = imports.Progress(disable=True)
    quiet(10, 40)
    quiet.close()
    assert not capsys.readouterr().err


def test_opened_names_the_upload_after_the_file(tmp_path):
    path = tmp_path / "engagements.csv"
    path.write_bytes(b"commune\n")
    with imports.opened(str(path)) as upload:
        assert upload.name == "engagements.csv" and upload.read() == b"commune\n"
    assert upload.closed
    with pytest.raises(CommandError, match="Cannot read"), imports.opened(str(tmp_path / "absent.csv")):
        pass


@pytest.mark.django_db
def test_the_author_is_found_by_email_in_any_case():
    user = get_user_model().objects.create_user(email="auteur@example.org", password="x")
    assert imports.author(" AUTEUR@example.org ") == user
    with pytest.raises(CommandError, match="personne@example.org"):
        imports.author("personne@example.org")
