"""Import of signed commitments from CSV and XLSX spreadsheets (campaigns.imports)."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl.utils import get_column_letter

from campaigns import imports
from campaigns.imports import (
    COLUMNS,
    ImportFileError,
    ImportRefused,
    import_apply,
    import_check,
    import_template,
)
from campaigns.models import Campaign, CandidateList, ImportJob, Step, Target
from campaigns.services import commitment_withdraw, mark_elected, step_add, target_take_on
from commitments.models import Commitment, CommitmentItem, MandateCommitment
from frameworks.models import Framework
from frameworks.services import frameworks_load
from territories.models import Commune
from tests.support import make_group, make_partner_coordinator

from .helpers import ANVITA, DEFAULTS, PACTE, csv_upload, line, make_campaign, paper, snapshot, xlsx_upload

pytestmark = pytest.mark.django_db


# Helpers (the others are in helpers.py) ---------------------------------------------


def errors_of(report):
    return {(row.line, column): message for row in report.errors for column, message in row.errors}


def active_codes(count=None):
    codes = list(
        Commune.objects.filter(is_active=True, kind=Commune.Kind.COMMUNE)
        .order_by("code")
        .values_list("code", flat=True)
    )
    return codes[:count] if count else codes


def many_rows(count):
    """`count` distinct valid rows: every commune of the fixture, several lists each."""
    codes = active_codes()
    return [
        line(
            code_insee=codes[index % len(codes)],
            commune="",
            departement="",
            liste=f"Liste {index // len(codes)}",
            tete_de_liste=f"Tête {index}",
            email="",
            engagements="A 02 ; 14",
        )
        for index in range(count)
    ]


# Fixtures -------------------------------------------------------------------------


@pytest.fixture
def coordinator():
    """A coordinator of the EGM, who organise the campaigns of these tests."""
    return make_partner_coordinator("coordination@example.org")


@pytest.fixture
def frameworks():
    frameworks_load()
    return {framework.slug: framework for framework in Framework.objects.current()}


@pytest.fixture
def campaign(coordinator, frameworks):
    return make_campaign(coordinator, frameworks=(PACTE, ANVITA), organizers=("egm",))


@pytest.fixture
def mid_mandate(coordinator, frameworks):
    return make_campaign(coordinator, title="Mi-mandat", kind=Campaign.Kind.MID_MANDATE, organizers=("egm",))


# Valid files ----------------------------------------------------------------------


@pytest.mark.parametrize(("delimiter", "bom"), [(",", False), (";", False), (";", True), ("\t", True)])
def test_valid_csv_delimiters_and_bom(campaign, delimiter, bom):
    upload = csv_upload(
        [line(), line(code_insee="97411", departement="974", liste="Autre liste")],
        delimiter=delimiter,
        bom=bom,
    )
    before = snapshot()
    report = import_check(upload, campaign=campaign)
    assert report.ok, errors_of(report)
    assert report.counts == {"create": 2, "update": 0, "unchanged": 0, "error": 0}
    assert [row.commune for row in report.rows] == ["Saint-Denis (93)", "Saint-Denis (974)"]
    assert [row.line for row in report.rows] == [2, 3]
    assert report.rows[0].action_label
    assert snapshot() == before  # a dry run writes nothing


def test_headers_are_matched_loosely(campaign):
    header = [
        "Code INSEE",
        "Commune",
        "Département",
        "Liste",
        "Tête de liste",
        "E-mail",
        "Étiquette",
        "Référentiel",
        "ENGAGEMENTS",
        "Signataire",
        "Qualité",
        "Date signature",
        "Élue",
    ]
    report = import_check(csv_upload([line()], header=header), campaign=campaign)
    assert report.ok, errors_of(report)


def test_optional_columns_may_be_left_out(campaign):
    header = [
        "commune",
        "departement",
        "liste",
        "tete_de_liste",
        "referentiel",
        "engagements",
        "date_signature",
    ]
    rows = [["L'Abergement-Clémenciat", "01", "Liste", "Tête", "Pacte", "1 2", "2026-03-01"]]
    report = import_check(csv_upload(rows, header=header), campaign=campaign)
    assert report.ok, errors_of(report)
    assert report.rows[0].commune == "L'Abergement-Clémenciat (01)"


def test_apply_writes_everything(campaign, coordinator, frameworks):
    group = make_group(
        commune="93066", coordinator=make_partner_coordinator("g@example.org", partner="anvita")
    )
    rows = [
        line(elue="oui", etiquette="divers gauche"),
        line(referentiel="anvita-charte", engagements="1,2", elue="oui"),
        line(
            liste="Autre liste",
            tete_de_liste="Dominique Roux",
            email="",
            signataire="Sam Roux",
            qualite="colistière",
            engagements="C",
            date_signature="2026-01-31",
        ),
        line(
            code_insee="01001",
            commune="",
            departement="",
            liste="Ensemble",
            tete_de_liste="Alix Petit",
            engagements="A",
        ),
    ]
    report = import_apply(csv_upload(rows), campaign=campaign, user=coordinator, group=group)
    assert report.ok, errors_of(report)
    assert report.counts["create"] == 4

    targets = Target.objects.filter(campaign=campaign).order_by("commune__code")
    # 93066: its elected list signed; 01001: a list signed, no result is recorded.
    assert [(t.commune.code, t.status, t.group) for t in targets] == [
        ("01001", "list_signed", group),
        ("93066", "committed", group),
    ]
    elected = CandidateList.objects.get(target__commune__code="93066", name="Saint-Denis en commun")
    assert elected.is_elected and elected.head_name == "Camille Martin"
    assert elected.email == "camille@example.org" and elected.political_label == "divers gauche"
    assert CandidateList.objects.filter(target__campaign=campaign).count() == 3

    commitments = Commitment.objects.filter(target__campaign=campaign)
    assert commitments.count() == 4
    assert set(commitments.values_list("channel", flat=True)) == {Commitment.Channel.IMPORT}
    assert set(commitments.values_list("created_by", flat=True)) == {coordinator.pk}
    pacte = commitments.get(candidate_list=elected, framework=frameworks[PACTE])
    assert sorted(pacte.items.values_list("item__code", flat=True)) == ["01", "A", "B"]
    assert pacte.signatory_name == "Camille Martin" and pacte.signatory_role == gettext("head of list")
    assert pacte.signed_on == date(2026, 3, 15)
    other = commitments.get(candidate_list__name="Autre liste")
    assert (other.signatory_name, other.signatory_role, other.signed_on) == (
        "Sam Roux",
        "colistière",
        date(2026, 1, 31),
    )
    anvita = commitments.get(framework=frameworks["anvita-charte"])
    assert sorted(anvita.items.values_list("item__code", flat=True)) == ["1", "2"]

    mandates = MandateCommitment.objects.filter(campaign=campaign)
    assert {m.commitment_id for m in mandates} == {pacte.pk, anvita.pk}
    assert {(m.commune.code, m.start_year, m.end_year) for m in mandates} == {("93066", 2026, 2032)}
    # The history is written too, with the author.
    assert Commitment.history.filter(history_type="+").count() == 4
    assert set(CommitmentItem.history.values_list("history_user_id", flat=True)) == {coordinator.pk}
    assert Target.history.count() == 2

    # The same file again changes nothing.
    before = snapshot()
    report = import_apply(csv_upload(rows), campaign=campaign, user=coordinator)
    assert report.counts == {"create": 0, "update": 0, "unchanged": 4, "error": 0}
    assert snapshot() == before


def test_changed_items_update_the_commitment(campaign, coordinator):
    import_apply(csv_upload([line()]), campaign=campaign, user=coordinator)
    commitment = Commitment.objects.get(target__campaign=campaign)
    report = import_check(csv_upload([line(engagements="A 2 14")]), campaign=campaign)
    assert report.counts["update"] == 1
    report = import_apply(csv_upload([line(engagements="A 2 14")]), campaign=campaign, user=coordinator)
    assert report.counts == {"create": 0, "update": 1, "unchanged": 0, "error": 0}
    assert Commitment.objects.filter(target__campaign=campaign).get() == commitment
    assert sorted(commitment.items.values_list("item__code", flat=True)) == ["02", "14", "A"]
    assert CommitmentItem.history.filter(history_type="-").count() == 2  # B and 01 removed
    assert import_check(csv_upload([line(engagements="14;02;A")]), campaign=campaign).counts["unchanged"] == 1


def test_list_changes_and_election_update(campaign, coordinator):
    import_apply(csv_upload([line()]), campaign=campaign, user=coordinator)
    report = import_apply(
        csv_upload([line(liste="SAINT-DENIS EN COMMUN", tete_de_liste="Camille Martin-Durand", elue="x")]),
        campaign=campaign,
        user=coordinator,
    )
    assert report.counts["update"] == 1
    candidate_list = CandidateList.objects.get(target__campaign=campaign)
    assert candidate_list.name == "Saint-Denis en commun"  # matched ignoring case
    assert candidate_list.head_name == "Camille Martin-Durand" and candidate_list.is_elected
    assert MandateCommitment.objects.filter(campaign=campaign).count() == 1


def test_existing_target_shows_a_list_signed_then_committed_once_elected(campaign, coordinator):
    commune = Commune.objects.get(code="93066")
    target = target_take_on(campaign=campaign, commune=commune, group=None, user=coordinator)
    step_add(target=target, kind=Step.Kind.LETTER, date=date(2026, 1, 5), user=coordinator)
    target.refresh_from_db()
    assert target.status == Target.Status.INTERPELLATED
    import_apply(csv_upload([line()]), campaign=campaign, user=coordinator)
    target.refresh_from_db()
    assert target.status == Target.Status.LIST_SIGNED
    assert target.history.first().history_type == "~"
    import_apply(csv_upload([line(elue="oui")]), campaign=campaign, user=coordinator)
    target.refresh_from_db()
    assert target.status == Target.Status.COMMITTED
    assert target.history.count() == 4  # taken on, interpellated, a list signed, committed
    assert Target.objects.filter(campaign=campaign).count() == 1


def test_a_new_target_is_created_with_its_status(campaign, coordinator):
    import_apply(
        csv_upload([line(), line(code_insee="01001", commune="", departement="", elue="oui")]),
        campaign=campaign,
        user=coordinator,
    )
    statuses = dict(Target.objects.filter(campaign=campaign).values_list("commune__code", "status"))
    assert statuses == {"93066": Target.Status.LIST_SIGNED, "01001": Target.Status.COMMITTED}
    assert Target.history.count() == 2  # one "+" each: created with the right status


def test_a_refusal_of_the_elected_list_stays_the_communes_answer(campaign, coordinator):
    import_apply(
        csv_upload([line(liste="Autre liste", tete_de_liste="Dominique Roux", email="", elue="oui")]),
        campaign=campaign,
        user=coordinator,
    )
    target = Target.objects.get(campaign=campaign)
    commitment_withdraw(commitment=target.commitments.get())  # it withdraws, then refuses
    elected = target.lists.get()
    step_add(target=target, kind=Step.Kind.REFUSAL, date=date(2026, 1, 5), candidate_list=elected)
    target.refresh_from_db()
    assert target.status == Target.Status.REFUSED
    import_apply(csv_upload([line()]), campaign=campaign, user=coordinator)  # another list signs
    target.refresh_from_db()
    assert target.status == Target.Status.REFUSED


def test_rows_written_in_several_chunks(campaign, coordinator, monkeypatch):
    """A list created by an earlier chunk is completed and elected by a later one."""
    from campaigns.imports import writing

    monkeypatch.setattr(writing, "WRITE_CHUNK", 2)
    rows = [
        line(email=""),
        line(code_insee="01001", commune="", departement="", liste="Ensemble", engagements="A"),
        line(referentiel="anvita-charte", engagements="1", elue="oui", etiquette="écologiste"),
    ]
    progress = []
    report = import_apply(
        csv_upload(rows), campaign=campaign, user=coordinator, progress=lambda *args: progress.append(args)
    )
    assert report.counts["create"] == 3
    assert progress == [(0, 3), (2, 3), (3, 3)]
    candidate_list = CandidateList.objects.get(name="Saint-Denis en commun")
    assert candidate_list.is_elected and candidate_list.political_label == "écologiste"
    assert MandateCommitment.objects.filter(commitment__candidate_list=candidate_list).count() == 2


def test_withdrawn_commitment_is_signed_again(campaign, coordinator):
    import_apply(csv_upload([line()]), campaign=campaign, user=coordinator)
    Commitment.objects.update(withdrawn_at=timezone.now())
    report = import_apply(csv_upload([line()]), campaign=campaign, user=coordinator)
    assert report.counts["create"] == 1
    assert Commitment.objects.filter(withdrawn_at__isnull=True).count() == 1


def test_valid_xlsx(campaign, coordinator):
    rows = [
        # A code typed as a number loses its leading zero; dates are date cells.
        line(code_insee=1001, commune="", departement="", liste="Ensemble", date_signature=date(2026, 2, 1)),
        line(date_signature=timezone.now().replace(tzinfo=None), engagements=1, elue=True),
        [None] * len(COLUMNS),  # empty rows are skipped
        line(code_insee="97411", departement=974, liste="Run", referentiel="Charte ANVITA", engagements="3"),
    ]
    before = snapshot()
    report = import_check(xlsx_upload(rows), campaign=campaign)
    assert report.ok, errors_of(report)
    assert [row.line for row in report.rows] == [2, 3, 5]
    assert snapshot() == before
    report = import_apply(xlsx_upload(rows), campaign=campaign, user=coordinator)
    assert report.counts["create"] == 3
    first = Commitment.objects.get(target__commune__code="01001")
    assert first.signed_on == date(2026, 2, 1)
    assert CandidateList.objects.get(name="Saint-Denis en commun").is_elected


def test_format_chosen_by_content_without_extension(campaign):
    upload = xlsx_upload([line()], name="export")
    assert import_check(upload, campaign=campaign).ok
    with pytest.raises(ImportFileError):
        import_check(csv_upload([line()], name="export"), campaign=campaign)


def test_plain_binary_file_object(campaign):
    upload = io.BytesIO(csv_upload([line()]).read())
    upload.name = "/tmp/engagements.csv"
    assert import_check(upload, campaign=campaign).ok


def test_mid_mandate_campaign(mid_mandate, coordinator):
    header = ["code_insee", "referentiel", "engagements", "signataire", "qualite", "date_signature"]
    rows = [["93066", "", "A;B", "Mathieu Hanotin", "maire", "01/03/2026"]]
    report = import_apply(csv_upload(rows, header=header), campaign=mid_mandate, user=coordinator)
    assert report.ok, errors_of(report)
    commitment = Commitment.objects.get(target__campaign=mid_mandate)
    assert commitment.candidate_list is None and commitment.signatory_role == "maire"
    assert report.rows[0].list_name == ""

    bad = csv_upload([line(qualite="", signataire="")])
    report = import_check(bad, campaign=mid_mandate)
    errors = errors_of(report)
    assert {column for _line, column in errors} >= {"liste", "tete_de_liste", "email", "qualite"}


# Errors: nothing is written ---------------------------------------------------------


def assert_refused(upload, campaign, user):
    """import_apply refuses the file and writes nothing; returns the report."""
    before = snapshot()
    with pytest.raises(ImportRefused) as refused:
        import_apply(upload, campaign=campaign, user=user)
    assert snapshot() == before
    assert not refused.value.report.ok
    assert str(refused.value)  # a message for people
    return refused.value.report


def assert_file_error(upload, campaign, user):
    before = snapshot()
    with pytest.raises(ImportFileError) as error:
        import_check(upload, campaign=campaign)
    upload.seek(0)
    with pytest.raises(ImportFileError):
        import_apply(upload, campaign=campaign, user=user)
    assert snapshot() == before
    return str(error.value)


def test_unknown_columns(campaign, coordinator):
    message = assert_file_error(
        csv_upload([line() + ["x"]], header=COLUMNS + ["remarque"]), campaign, coordinator
    )
    assert "remarque" in message


def test_missing_columns(campaign, coordinator):
    header = [column for column in COLUMNS if column not in ("engagements", "liste")]
    rows = [[DEFAULTS[column] for column in header]]
    message = assert_file_error(csv_upload(rows, header=header), campaign, coordinator)
    assert "engagements" in message and "liste" in message
    header = [column for column in COLUMNS if column not in ("code_insee", "commune")]
    message = assert_file_error(
        csv_upload([[DEFAULTS[c] for c in header]], header=header), campaign, coordinator
    )
    assert "code_insee" in message


def test_duplicate_column(campaign, coordinator):
    message = assert_file_error(
        csv_upload([line() + ["93"]], header=COLUMNS + ["Département"]), campaign, coordinator
    )
    assert "Département" in message


def test_unknown_commune_with_suggestions(campaign, coordinator):
    rows = [
        line(code_insee="", commune="Saint-Deniss", departement="93"),
        line(code_insee="99999", liste="B"),
    ]
    report = assert_refused(csv_upload(rows), campaign, coordinator)
    assert (2, "commune") in errors_of(report)
    assert any("93066" in suggestion for suggestion in report.rows[0].suggestions)
    assert report.rows[0].commune == "Saint-Deniss"
    assert (3, "code_insee") in errors_of(report)


def test_ambiguous_commune(campaign, coordinator):
    report = assert_refused(csv_upload([line(code_insee="", departement="")]), campaign, coordinator)
    assert (2, "commune") in errors_of(report)
    assert report.rows[0].suggestions == ["Saint-Denis (93) — 93066", "Saint-Denis (974) — 97411"]
    # With the department, or with "St" for "Saint", it is found.
    ok = import_check(
        csv_upload([line(code_insee="", commune="st denis", departement="974")]), campaign=campaign
    )
    assert ok.ok and ok.rows[0].commune == "Saint-Denis (974)"


def test_code_and_name_disagree(campaign, coordinator):
    rows = [
        line(commune="Reims"),
        line(code_insee="01001", commune="Abergement-Clémenciat", departement="02", liste="B"),
    ]
    report = assert_refused(csv_upload(rows), campaign, coordinator)
    errors = errors_of(report)
    assert (2, "commune") in errors
    assert (3, "departement") in errors and (3, "commune") not in errors  # name without its article is fine


def test_arrondissement_code(campaign, coordinator):
    report = assert_refused(
        csv_upload([line(code_insee="13201", commune="", departement="")]), campaign, coordinator
    )
    assert (2, "code_insee") in errors_of(report)
    assert report.rows[0].suggestions == ["Marseille (13) — 13055"]


def test_duplicate_rows(campaign, coordinator):
    rows = [line(), line(engagements="C"), line(liste="Autre"), line(liste="saint-denis EN commun ")]
    report = assert_refused(csv_upload(rows), campaign, coordinator)
    errors = errors_of(report)
    assert set(errors) == {(3, "liste"), (5, "liste")}
    assert "2" in errors[(3, "liste")]


def test_bad_and_future_dates(campaign, coordinator):
    tomorrow = (timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y")
    rows = [
        line(date_signature="31/02/2026"),
        line(date_signature="mars 2026", liste="B"),
        line(date_signature=tomorrow, liste="C"),
        line(date_signature="", liste="D"),
        line(date_signature="2026-03-01", liste="E"),
    ]
    report = assert_refused(csv_upload(rows), campaign, coordinator)
    assert set(errors_of(report)) == {
        (2, "date_signature"),
        (3, "date_signature"),
        (4, "date_signature"),
        (5, "date_signature"),
    }
    assert report.rows[4].action == "create"
    assert report.counts == {"create": 1, "update": 0, "unchanged": 0, "error": 4}


def test_unknown_item_codes_and_framework(campaign, coordinator):
    rows = [
        line(engagements="A;Z9;99"),
        line(engagements="", liste="B"),
        line(referentiel="inconnu", liste="C"),
        line(referentiel="", liste="D"),  # the campaign proposes two frameworks
    ]
    report = assert_refused(csv_upload(rows), campaign, coordinator)
    errors = errors_of(report)
    assert "Z9" in errors[(2, "engagements")] and "99" in errors[(2, "engagements")]
    assert set(errors) == {(2, "engagements"), (3, "engagements"), (4, "referentiel"), (5, "referentiel")}


def test_other_row_errors(campaign, coordinator):
    rows = [
        line(liste="", tete_de_liste=""),
        line(email="pas-une-adresse", liste="B"),
        line(elue="peut-être", liste="C"),
        line(liste="D", elue="oui"),
        line(liste="E", elue="oui"),
        line(liste="F", tete_de_liste="x" * 151),
    ]
    report = assert_refused(csv_upload(rows), campaign, coordinator)
    assert set(errors_of(report)) == {
        (2, "liste"),
        (2, "tete_de_liste"),
        (3, "email"),
        (4, "elue"),
        (6, "elue"),  # a second elected list in the same commune
        (7, "tete_de_liste"),
    }


def test_elected_list_already_in_database(campaign, coordinator):
    import_apply(csv_upload([line()]), campaign=campaign, user=coordinator)
    target = Target.objects.get(campaign=campaign)
    mark_elected(target=target, candidate_list=target.lists.get())
    report = assert_refused(csv_upload([line(liste="Autre", elue="oui")]), campaign, coordinator)
    assert (2, "elue") in errors_of(report)


def test_latin1_csv(campaign, coordinator):
    upload = csv_upload([line(commune="Saint-Denis", tete_de_liste="Hélène Müller")], encoding="cp1252")
    message = assert_file_error(upload, campaign, coordinator)
    assert "CSV UTF-8" in message


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("vide.csv", b""),
        ("vide.csv", b"\r\n  \r\n"),
        ("entete.csv", (",".join(COLUMNS) + "\r\n\r\n").encode()),
        ("image.png", b"\x89PNG\r\n\x1a\n" + bytes(100)),
        ("notes.txt", b"code_insee,commune\n93066,Saint-Denis\n"),
        ("faux.xlsx", b"PK\x03\x04 this is no zip"),
        ("faux.xlsx", b"not a workbook at all"),
        ("ancien.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)),
    ],
)
def test_not_a_spreadsheet_or_empty(campaign, coordinator, name, data):
    assert_file_error(SimpleUploadedFile(name, data), campaign, coordinator)


def test_limits(campaign, coordinator, monkeypatch):
    from campaigns.imports import reading

    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    assert_file_error(csv_upload([line(liste=str(n)) for n in range(4)]), campaign, coordinator)
    assert import_check(csv_upload([line(liste=str(n)) for n in range(3)]), campaign=campaign).ok
    monkeypatch.setattr(reading, "MAX_BYTES", 100)
    assert assert_file_error(csv_upload([line()]), campaign, coordinator) == reading._too_large()


def test_value_without_header(campaign, coordinator):
    report = assert_refused(csv_upload([line() + ["oups"]]), campaign, coordinator)
    # The column after the template's, as a spreadsheet names it.
    assert (2, get_column_letter(len(COLUMNS) + 1)) in errors_of(report)
    header = COLUMNS[:3] + [""] + COLUMNS[3:]
    rows = [line()[:3] + [""] + line()[3:], line(liste="B")[:3] + ["note"] + line(liste="B")[3:]]
    report = assert_refused(csv_upload(rows, header=header), campaign, coordinator)
    assert list(errors_of(report)) == [(3, "D")]


# Template ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_round_trip(campaign, fmt):
    data, content_type, filename = import_template(fmt)
    assert filename.endswith("." + fmt) and content_type
    report = import_check(SimpleUploadedFile(filename, data), campaign=campaign)
    assert report.ok, errors_of(report)
    assert len(report.rows) == 1


def test_template_of_a_mid_mandate_campaign(mid_mandate):
    data, _type, filename = import_template("xlsx", campaign=mid_mandate)
    assert import_check(SimpleUploadedFile(filename, data), campaign=mid_mandate).ok


# Volume and queries --------------------------------------------------------------------


def test_20000_rows_with_one_bad_row_at_the_end(campaign, coordinator):
    rows = many_rows(20_000)
    rows[-1][COLUMNS.index("engagements")] = "A;ZZ"
    report = assert_refused(csv_upload(rows), campaign, coordinator)
    assert report.counts["error"] == 1 and report.counts["create"] == 19_999
    assert report.errors[0].line == 20_001


def test_20000_rows_written(campaign, coordinator):
    progress = []
    report = import_apply(
        csv_upload(many_rows(20_000), delimiter=";"),
        campaign=campaign,
        user=coordinator,
        progress=lambda done, total: progress.append((done, total)),
    )
    assert report.counts["create"] == 20_000
    assert progress[-1] == (20_000, 20_000)
    assert Commitment.objects.filter(target__campaign=campaign).count() == 20_000
    assert CommitmentItem.objects.filter(commitment__target__campaign=campaign).count() == 60_000
    assert Commitment.history.count() == 20_000
    # Lists signed, none is recorded as elected.
    assert not Target.objects.filter(campaign=campaign).exclude(status="list_signed").exists()


def test_query_count_does_not_grow_with_rows(campaign, coordinator):
    counts = {}
    for size in (50, 500):
        Commitment.objects.all().delete()
        CandidateList.objects.all().delete()
        Target.objects.all().delete()
        with CaptureQueriesContext(connection) as context:
            import_apply(csv_upload(many_rows(size)), campaign=campaign, user=coordinator)
        counts[size] = len(context.captured_queries)
    # Bulk inserts are cut in batches (999 parameters each on SQLite): a few more queries
    # for ten times the rows, never one per row.
    assert counts[500] <= counts[50] + 30, counts
    assert counts[500] < 500 / 10, counts


# The management command -----------------------------------------------------------------


@pytest.mark.usefixtures("media_root")
def test_command_dry_run_and_apply(campaign, coordinator, tmp_path, capsys):
    path = tmp_path / "engagements.csv"
    path.write_bytes(csv_upload([line(), line(code_insee="97411", departement="974", liste="Run")]).read())
    out = io.StringIO()
    call_command("import_commitments", campaign.slug, str(path), "--dry-run", stdout=out)
    assert "2" in out.getvalue()
    assert not Commitment.objects.exists()
    assert not ImportJob.objects.exists()  # a dry run keeps nothing

    out = io.StringIO()
    call_command(
        "import_commitments",
        campaign.slug,
        str(path),
        "--user",
        coordinator.email,
        "--no-progress",
        stdout=out,
    )
    assert Commitment.objects.filter(target__campaign=campaign, created_by=coordinator).count() == 2
    assert ImportJob.objects.get().status == ImportJob.Status.DONE  # as through the web


@pytest.mark.usefixtures("media_root")
def test_command_errors(campaign, coordinator, tmp_path):
    path = tmp_path / "engagements.csv"
    path.write_bytes(csv_upload([line(), line(code_insee="", departement="", liste="B")]).read())
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_commitments", campaign.slug, str(path), stdout=out)
    assert "3" in out.getvalue() and "commune" in out.getvalue() and "97411" in out.getvalue()
    assert not Commitment.objects.exists()
    assert not ImportJob.objects.exists()  # as through the web: a file with errors keeps no job
    with pytest.raises(CommandError):
        call_command("import_commitments", "inconnue", str(path), "--dry-run", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("import_commitments", campaign.slug, str(tmp_path / "absent.csv"), stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command(
            "import_commitments",
            campaign.slug,
            str(path),
            "--user",
            "nobody@example.org",
            stdout=io.StringIO(),
        )


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
    # The same items signed another day: refused too, never ignored (test_import_corrections).
    signed = {"liste": first.name, "tete_de_liste": first.head_name, "email": "", "engagements": "A;B"}
    other_day = imports.import_check(csv_upload([line(**signed)]), campaign=campaign)
    assert [column for column, _message in other_day.errors[0].errors] == ["date_signature"]
    # The same items and date: nothing to do.
    same = csv_upload([line(**signed, date_signature=timezone.localdate().strftime("%d/%m/%Y"))])
    assert imports.import_check(same, campaign=campaign).counts.get("unchanged") == 1


def test_the_import_template_passes_its_own_check_in_every_kind_of_campaign(coordinator):
    for kind in Campaign.Kind.values:
        campaign = make_campaign(coordinator, title=f"Campagne {kind}", kind=kind)
        content, _content_type, filename = imports.import_template("csv", campaign=campaign)
        report = imports.import_check(SimpleUploadedFile(filename, content), campaign=campaign)
        assert report.ok, [row.errors for row in report.rows]
