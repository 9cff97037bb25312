"""territories.lookup: the communes a spreadsheet row names, by INSEE code or by name and
department, found in dictionaries read once, with errors by column and close names
suggested (the imports of campaigns and commitments test it through their files too)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.imports import RowOutcome
from territories.lookup import COLUMNS, Columns, Communes
from territories.models import Commune

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def communes():
    return Communes()


def find(communes, **given):
    outcome = RowOutcome(line=2)
    commune = communes.find(outcome, **{"code": "", **given})
    return commune, outcome


def test_communes_are_read_in_a_few_queries_and_found_without_any(communes):
    with CaptureQueriesContext(connection) as reading:
        fresh = Communes()
    assert len(reading) <= 3
    with CaptureQueriesContext(connection) as finding:
        for _ in range(50):
            find(fresh, code="93066", name="Saint-Denis", department="93")
            find(fresh, name="Saint-Deniss")
    assert len(finding) == 0


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ({"code": "93066"}, "93066"),
        ({"code": "1001"}, "01001"),  # a spreadsheet dropped the leading zero
        ({"code": " 930 66 ", "name": "saint denis", "department": "93"}, "93066"),
        ({"name": "Abergement-Clémenciat"}, "01001"),  # with or without its article
        ({"name": "L'Abergement-Clémenciat", "department": "1"}, "01001"),
        ({"name": "st denis", "department": "974"}, "97411"),
    ],
)
def test_a_commune_is_found_by_code_or_by_name(communes, given, code):
    commune, outcome = find(communes, **given)

    assert not outcome.errors
    assert commune.code == code
    assert outcome.commune == commune.label
    assert outcome.action == "create"


def test_its_label_and_suggestion(communes):
    commune, _outcome = find(communes, code="01001")
    assert commune.label == "L'Abergement-Clémenciat (01)"
    assert commune.suggestion == "L'Abergement-Clémenciat (01) — 01001"


def test_a_homonym_needs_its_department(communes):
    commune, outcome = find(communes, name="Saint-Denis")

    assert commune is None and outcome.action == "error"
    assert outcome.errors == [
        ("commune", "Several communes are named “Saint-Denis”: add the department or the INSEE code.")
    ]
    assert outcome.suggestions == ["Saint-Denis (93) — 93066", "Saint-Denis (974) — 97411"]
    assert outcome.commune == "Saint-Denis"


def test_an_unknown_name_gets_close_names(communes):
    commune, outcome = find(communes, name="Saint-Deniss", department="93")

    assert commune is None
    assert outcome.errors == [("commune", "No commune named “Saint-Deniss” in the department 93.")]
    assert outcome.suggestions[0] == "Saint-Denis (93) — 93066"
    assert len(outcome.suggestions) <= 3


def test_a_name_in_another_department_suggests_where_it_is(communes):
    _commune, outcome = find(communes, name="Reims", department="02")
    assert outcome.errors == [("commune", "No commune named “Reims” in the department 02.")]
    assert outcome.suggestions == ["Reims (51) — 51454"]


def test_an_unknown_code_suggests_from_the_name(communes):
    _commune, outcome = find(communes, code="99999", name="Saint-Denis", department="93")
    assert outcome.errors == [("code_insee", "Unknown INSEE code 99999.")]
    assert outcome.suggestions == ["Saint-Denis (93) — 93066"]
    assert outcome.commune == "Saint-Denis"


@pytest.mark.parametrize(
    ("given", "errors"),
    [
        ({"code": "930"}, [("code_insee", "An INSEE code has 5 characters, such as 93066 or 2A004.")]),
        ({}, [("commune", "Give the INSEE code or the name of the commune.")]),
        (
            {"code": "93066", "name": "Lyon"},
            [("commune", "The INSEE code 93066 is Saint-Denis (93), not “Lyon”.")],
        ),
        (
            {"code": "01001", "department": "02"},
            [("departement", "L'Abergement-Clémenciat is in the department 01, not 02.")],
        ),
    ],
)
def test_what_a_row_says_wrong(communes, given, errors):
    commune, outcome = find(communes, **given)
    assert commune is None
    assert outcome.errors == errors


def test_an_unknown_department_is_an_error_but_the_code_still_finds_the_commune(communes):
    commune, outcome = find(communes, code="93066", department="999")
    assert commune.code == "93066"
    assert outcome.errors == [("departement", "Unknown department “999”.")]


def test_an_arrondissement_points_to_its_city(communes):
    _commune, outcome = find(communes, code="13201")
    assert outcome.errors == [
        (
            "code_insee",
            "Marseille 1er Arrondissement (13) is a municipal arrondissement: use the code of its city, "
            "Marseille (13055).",
        )
    ]
    assert outcome.suggestions == ["Marseille (13) — 13055"]


def test_a_commune_that_no_longer_exists():
    Commune.objects.filter(code="01002").update(is_active=False)
    communes = Communes()

    _commune, outcome = find(communes, code="01002")
    assert outcome.errors == [
        (
            "code_insee",
            "The commune L'Abergement-de-Varey (01) (01002) no longer exists: use the code of the new commune.",
        )
    ]
    _commune, outcome = find(communes, name="Abergement-de-Varey")
    assert outcome.errors == [("commune", "No commune named “Abergement-de-Varey”.")]


def test_a_row_names_its_commune_in_its_columns(communes):
    assert COLUMNS == ("code_insee", "commune", "departement")
    outcome = RowOutcome(line=2)
    assert communes.from_row({"commune": "Saint-Denis", "departement": "974"}, outcome).code == "97411"

    columns = Columns(code="insee", name="ville", department="dep")
    outcome = RowOutcome(line=3)
    assert (
        communes.from_row({"ville": "Saint-Denis", "insee": "93066", "dep": "974"}, outcome, columns) is None
    )
    assert [column for column, _message in outcome.errors] == ["dep"]


def test_close_names_are_remembered(communes):
    first = communes.close_to("saint denis x", "93")
    assert first and communes.close_to("saint denis x", "93") is first
    assert all(commune.department == "93" for commune in first)


def test_a_name_spelled_exactly_is_not_ambiguous():
    """ "Vergné" and "La Vergne" are one name once accents and articles go: the exact
    spelling tells them apart (a homonym named alike still needs its department)."""
    from territories.normalize import search_key

    first, second = Commune.objects.filter(
        department__code="01", is_active=True, kind=Commune.Kind.COMMUNE
    ).order_by("code")[:2]
    for commune, name, name_type, article in ((first, "Vergné", 0, ""), (second, "Vergne", 3, "la ")):
        commune.name, commune.name_type, commune.search_name = name, name_type, search_key(name, article)
        commune.save()
    communes = Communes()
    commune, outcome = find(communes, name="Vergné", department="01")
    assert not outcome.errors and commune.code == first.code
    commune, outcome = find(communes, name="La Vergne", department="01")
    assert not outcome.errors and commune.code == second.code
    _commune, outcome = find(communes, name="vergne", department="01")
    assert outcome.errors[0][0] == "commune"  # neither spelled exactly: which one?
