"""The importer of official data: counts, idempotence, quirks of the files, bad input."""

import csv
import io
import json
import lzma
import shutil

import pytest
from django.core.management import CommandError, call_command

from territories.models import Commune, Department, Epci, ImportRun, PostalCode, Region
from territories.services import TerritoriesImportError, default_data_dir, territories_import

pytestmark = pytest.mark.django_db


def test_fixture_import_loads_every_region_department_and_epci():
    assert Region.objects.count() == 18
    assert Department.objects.count() == 101
    assert Epci.objects.count() == 1253


def test_corsica_and_overseas_departments_keep_their_codes():
    codes = set(Department.objects.values_list("code", flat=True))
    assert {"2A", "2B", "971", "972", "973", "974", "976"} <= codes
    assert "20" not in codes
    assert Department.objects.get(code="2A").region.code == "94"


def test_commune_carries_official_facts():
    commune = Commune.objects.get(code="01001")
    assert commune.display_name == "L'Abergement-Clémenciat"
    assert commune.department.code == "01"
    assert commune.population == 776
    assert commune.epci is not None
    assert list(commune.postal_codes.values_list("code", flat=True)) == ["01400"]
    assert commune.town_hall_email == "mairieabergementclemenciat@gmail.com"
    assert commune.mayor_name
    assert 45.5 < commune.latitude < 46.5 and 4.5 < commune.longitude < 5.5


def test_arrondissements_are_children_of_their_city():
    marseille = Commune.objects.get(code="13055")
    first = Commune.objects.get(code="13201")
    assert first.kind == Commune.Kind.ARRONDISSEMENT
    assert first.parent == marseille
    # Marseille's arrondissements have no department in the file: their city's.
    assert first.department.code == "13"
    assert Commune.objects.get(code="75056").arrondissements.count() == 20


def test_delegated_communes_are_not_imported_but_their_postal_codes_go_to_their_parent():
    assert not Commune.objects.exclude(kind__in=["COM", "ARM"]).exists()
    codes = Commune.objects.values_list("code", flat=True)
    assert len(codes) == len(set(codes))
    assert PostalCode.objects.filter(commune__kind="COM").count() > 1000


def test_only_name_and_function_of_mayors_are_kept():
    fields = {field.name for field in Commune._meta.get_fields()}
    assert "mayor_name" in fields
    assert not {"birth_date", "date_naissance", "sex", "profession"} & fields


def test_every_department_with_communes_gets_a_simplified_outline():
    ain = Department.objects.get(code="01")
    geometry = json.loads(ain.outline)
    assert geometry["type"] in {"Polygon", "MultiPolygon"}
    west, south, east, north = (float(value) for value in ain.bbox.split(","))
    assert 4.7 < west < 5.0 and 6.0 < east < 6.3 and 45.5 < south < 45.7 and 46.4 < north < 46.6
    # Departments without communes in the fixture have no outline yet.
    assert Department.objects.get(code="29").outline == ""
    assert json.loads(Region.objects.get(code="94").outline)["type"] in {"Polygon", "MultiPolygon"}


def test_second_run_updates_without_duplicating(fixture_dir):
    before = (Commune.objects.count(), PostalCode.objects.count(), Region.objects.count())
    counts = territories_import(data_dir=fixture_dir)
    assert (Commune.objects.count(), PostalCode.objects.count(), Region.objects.count()) == before
    assert counts["created"] == 0
    assert counts["updated"] == Commune.objects.count()
    assert ImportRun.objects.count() == 2


def _rewrite(path, transform):
    """Rewrite an lzma CSV file through transform(header, rows) -> (header, rows)."""
    with lzma.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    header, rows = transform(header, rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    with lzma.open(path, "wt", encoding="utf-8", newline="") as handle:
        handle.write(buffer.getvalue())


@pytest.fixture
def data_copy(tmp_path, fixture_dir):
    target = tmp_path / "data"
    shutil.copytree(fixture_dir, target)
    return target


def test_commune_missing_from_new_data_is_deactivated_not_deleted(data_copy):
    def drop_01001(header, rows):
        return header, [row for row in rows if row[1] != "01001"]

    _rewrite(data_copy / "communes.csv.lzma", drop_01001)
    counts = territories_import(data_dir=data_copy)
    assert counts["deactivated"] == 1
    assert Commune.objects.get(code="01001").is_active is False


def _snapshot():
    return (
        list(Commune.objects.order_by("code").values_list("code", "name", "population", "is_active")),
        PostalCode.objects.count(),
        ImportRun.objects.count(),
    )


def _break_column(name):
    def transform(header, rows):
        return [("renamed" if column == name else column) for column in header], rows

    return transform


def _bad_value(column, value, row_index=3):
    def transform(header, rows):
        rows[row_index][header.index(column)] = value
        return header, rows

    return transform


@pytest.mark.parametrize(
    ("filename", "transform", "message"),
    [
        ("communes.csv.lzma", _break_column("departement_id"), "departement_id"),
        ("communes.csv.lzma", _bad_value("population_municipale", "beaucoup"), "beaucoup"),
        ("communes.csv.lzma", _bad_value("departement_id", "9999"), "9999"),
        ("communes.csv.lzma", _bad_value("type_nom", "42"), "type_nom"),
        ("departements.csv.lzma", _bad_value("region_id", "77"), "region_id"),
        ("epci.csv.lzma", _bad_value("type", "XX"), "XX"),
        ("codes_postaux_communes.csv.lzma", _bad_value("codepostal_id", "-1"), "codepostal_id"),
    ],
)
def test_bad_file_changes_nothing_and_says_where(data_copy, filename, transform, message):
    before = _snapshot()
    _rewrite(data_copy / filename, transform)
    with pytest.raises(TerritoriesImportError) as error:
        territories_import(data_dir=data_copy)
    assert message in str(error.value)
    assert filename in str(error.value)
    assert _snapshot() == before


def test_missing_or_corrupt_file_changes_nothing(data_copy):
    before = _snapshot()
    (data_copy / "epci.csv.lzma").unlink()
    with pytest.raises(TerritoriesImportError, match="epci.csv.lzma"):
        territories_import(data_dir=data_copy)
    (data_copy / "epci.csv.lzma").write_bytes(b"not lzma at all")
    with pytest.raises(TerritoriesImportError, match="epci.csv.lzma"):
        territories_import(data_dir=data_copy)
    assert _snapshot() == before


def test_command_reports_counts_in_french(fixture_dir):
    out = io.StringIO()
    call_command("import_territories", data_dir=str(fixture_dir), no_progress=True, stdout=out)
    assert "2105 communes" in out.getvalue()
    assert "36 arrondissements municipaux" in out.getvalue()


def test_command_if_needed_skips_an_unchanged_source(fixture_dir):
    out = io.StringIO()
    call_command("import_territories", data_dir=str(fixture_dir), if_needed=True, stdout=out)
    assert "à jour" in out.getvalue()
    assert ImportRun.objects.count() == 1


def test_command_turns_bad_data_into_a_clear_error(data_copy):
    (data_copy / "regions.csv.lzma").unlink()
    with pytest.raises(CommandError, match="regions.csv.lzma"):
        call_command("import_territories", data_dir=str(data_copy), no_progress=True)


@pytest.mark.slow
def test_full_official_data_imports_every_french_commune():
    counts = territories_import(data_dir=default_data_dir())
    assert counts["communes"] == Commune.objects.filter(kind="COM", is_active=True).count()
    assert counts["communes"] > 34000
    assert counts["arrondissements"] == 45
    assert counts["departments"] == 101
    assert counts["mayors"] > 34000
    assert Department.objects.exclude(outline="").count() == 101
    # Four restored communes of Cantal (15031, 15035, 15047, 15171) have neither a polygon
    # nor a town hall location in the data; every other commune has a point.
    assert Commune.objects.filter(is_active=True, latitude__isnull=True).count() <= 4
    assert Commune.objects.get(code="69123").arrondissements.count() == 9


def test_import_indexes_every_word_of_every_name():
    from territories.models import CommuneWord

    commune = Commune.objects.get(code="01001")
    words = set(CommuneWord.objects.filter(commune=commune).values_list("word", flat=True))
    assert words == {"l", "abergement", "clemenciat", "labergementclemenciat"}
    assert CommuneWord.objects.values("commune").distinct().count() == Commune.objects.count()
