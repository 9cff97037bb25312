"""The mayor of the national register of elected officials (RNE): name and the date they
took office, nothing else; written as people write names; shown dated, with its source and
the day the register was imported, on the commune page."""

import csv
import io
import lzma
import re
import shutil
from datetime import date

import pytest
from django.utils import timezone, translation

from core.templatetags.dates import long_date
from territories.importing import sources
from territories.importing.parsing import person_name
from territories.models import Commune
from territories.services import TerritoriesImportError, source_fingerprint, territories_import
from tests.support import browser

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


@pytest.fixture
def data_copy(tmp_path, fixture_dir):
    target = tmp_path / "data"
    shutil.copytree(fixture_dir, target)
    return target


def rewrite_mayors(path, transform):
    """Rewrite the elected officials' file, each row through transform(row, columns)."""
    with lzma.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    columns = {name: index for index, name in enumerate(header)}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(transform(row, columns) for row in rows)
    with lzma.open(path, "wt", encoding="utf-8", newline="") as handle:
        handle.write(buffer.getvalue())


def facts_of(html):
    """The text of the commune's key facts."""
    facts = html.split('class="facts"', 1)[1].split("</dl>", 1)[0]
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", facts))


# The import ------------------------------------------------------------------------------------


def test_the_mayor_is_imported_with_the_date_they_took_office():
    commune = Commune.objects.get(code="01001")
    assert commune.mayor_name == "Line Evalet Taponat"
    assert commune.mayor_since == date(2026, 3, 23)
    assert Commune.objects.get(code="93066").mayor_since == date(2026, 3, 23)


def test_only_the_name_and_the_start_date_of_a_mayor_are_kept():
    fields = {field.name for field in Commune._meta.get_fields() if field.name.startswith("mayor")}
    assert fields == {"mayor_name", "mayor_since"}
    assert set(sources.FILES["elus"][1]) == {"commune_id", "nom", "prenom", "fonction", "date_debut_fonction"}


def test_a_mayor_without_a_start_date_is_kept_without_one(data_copy):
    def no_date(row, columns):
        row[columns["date_debut_fonction"]] = "\\N"
        return row

    rewrite_mayors(data_copy / "elus_municipaux.csv.lzma", no_date)
    territories_import(data_dir=data_copy)
    commune = Commune.objects.get(code="01001")
    assert (commune.mayor_name, commune.mayor_since) == ("Line Evalet Taponat", None)


def test_a_start_date_that_is_no_date_stops_the_import_before_writing(data_copy):
    def bad_date(row, columns):
        if row[columns["fonction"]] == "MAI":
            row[columns["date_debut_fonction"]] = "23/03/2026"
        return row

    rewrite_mayors(data_copy / "elus_municipaux.csv.lzma", bad_date)
    with translation.override("fr"), pytest.raises(TerritoriesImportError) as raised:
        territories_import(data_dir=data_copy)
    message = str(raised.value)
    assert "elus_municipaux.csv.lzma" in message and "date_debut_fonction" in message
    assert "« 23/03/2026 » n’est pas une date (AAAA-MM-JJ)" in message.replace(NBSP, " ")
    assert Commune.objects.get(code="01001").mayor_since == date(2026, 3, 23)


def test_reading_one_more_column_makes_the_source_new(fixture_dir, monkeypatch):
    before = source_fingerprint(fixture_dir)
    files = dict(sources.FILES)
    name, columns = files["elus"]
    monkeypatch.setitem(sources.FILES, "elus", (name, columns - {"date_debut_fonction"}))
    assert source_fingerprint(fixture_dir) != before


@pytest.mark.parametrize(
    ("first", "family", "written"),
    [
        ("Line", "EVALET TAPONAT", "Line Evalet Taponat"),
        ("Éric", "BONAMOUR DU TARTRE", "Éric Bonamour du Tartre"),
        ("Jean-Baptiste", "FOUQUIER D'HEROUEL", "Jean-Baptiste Fouquier d'Herouel"),
        ("Iseult", "D'HAUTEFEUILLE", "Iseult D'Hautefeuille"),
        ("Renaud", "BOURDAUD'HUI", "Renaud Bourdaud'hui"),
        ("Paule", "CASANOVA-NICOLAÏ", "Paule Casanova-Nicolaï"),
        ("Maximino", "DE SOUSA", "Maximino De Sousa"),
        ("Nathalie", "HALBE EPOUSE LEFEVRE", "Nathalie Halbe epouse Lefevre"),
        ("Anne", "Dupont-Moretti", "Anne Dupont-Moretti"),  # already in mixed case: kept
        ("Anne", None, "Anne"),
    ],
)
def test_names_are_written_as_people_write_them(first, family, written):
    assert person_name(first, family) == written


# The commune page ------------------------------------------------------------------------------


def test_the_commune_page_dates_the_mayor_and_names_the_source():
    with translation.override("fr"):
        imported = long_date(timezone.localdate())
    facts = facts_of(browser().get("/communes/01001/").content.decode())
    assert (
        f"Maire Line Evalet Taponat, depuis le 23 mars 2026 (source{NBSP}: RNE, données importées le {imported})"
        in facts
    )


def test_a_mayor_without_a_date_is_named_with_the_source_only():
    Commune.objects.filter(code="01001").update(mayor_since=None)
    facts = facts_of(browser().get("/communes/01001/").content.decode())
    assert "Maire Line Evalet Taponat (source" in facts
    assert "depuis" not in facts


def test_a_commune_without_a_mayor_in_the_register_says_so():
    commune = Commune.objects.filter(kind=Commune.Kind.COMMUNE, is_active=True, mayor_name="").first()
    assert commune is not None
    facts = facts_of(browser().get(commune.get_absolute_url()).content.decode())
    assert "Maire —" in facts
    assert "RNE" not in facts
