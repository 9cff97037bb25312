"""Search: normalisation of names and ranking of results."""

import pytest

from territories.normalize import normalize, query_variants, search_key
from territories.queries import search_communes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Saint-Étienne-du-Rouvray", "saint etienne du rouvray"),
        ("ST ÉTIENNE du rouvray", "saint etienne du rouvray"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("L’Haÿ-les-Roses", "l hay les roses"),
        ("Œuilly", "oeuilly"),
        ("Ste-Marie", "sainte marie"),
        ("  Bourg--en  Bresse ", "bourg en bresse"),
        ("", ""),
    ],
)
def test_normalize_ignores_case_accents_hyphens_apostrophes_and_ligatures(text, expected):
    assert normalize(text) == expected


def test_normalize_is_idempotent():
    for text in ["Saint-Étienne", "L'Haÿ-les-Roses", "Œuilly", "st denis"]:
        assert normalize(normalize(text)) == normalize(text)


def test_an_abbreviation_being_typed_is_also_searched_as_typed():
    assert query_variants("st") == ["saint", "st"]
    assert query_variants("st denis") == ["saint denis"]


def test_search_key_starts_with_a_space_and_includes_the_article():
    assert search_key("Abergement-Clémenciat", "l'") == " l abergement clemenciat"


def names(query, count=5):
    return [(commune.display_name, commune.department.code) for commune in search_communes(query)[:count]]


def test_homonyms_are_told_apart_by_department_and_ranked_by_population():
    results = names("Saint-Denis", 2)
    assert results == [("Saint-Denis", "974"), ("Saint-Denis", "93")]


def test_abbreviations_accents_and_case_do_not_matter():
    assert names("st denis", 2) == names("SAINT-DENIS", 2) == names("saint dénis", 2)
    assert names("oeuilly") == names("Œuilly") == [("Œuilly", "51"), ("Œuilly", "02")]


def test_a_trailing_department_code_narrows_homonyms():
    results = names("saint denis 93")
    assert results[0] == ("Saint-Denis", "93")
    assert all(code == "93" for _name, code in results)
    assert names("saint-denis 974")[0] == ("Saint-Denis", "974")


def test_exact_name_comes_before_longer_names_whatever_their_population():
    results = names("saint denis", 10)
    exact = [name for name, _code in results if name == "Saint-Denis"]
    assert results[: len(exact)] == [("Saint-Denis", "974"), ("Saint-Denis", "93")]


def test_name_is_found_without_its_article_and_without_the_apostrophe():
    assert ("L'Abergement-Clémenciat", "01") in names("abergement clem")
    assert ("L'Abergement-Clémenciat", "01") in names("labergement")


def test_words_inside_a_name_are_found_by_their_beginning():
    assert ("L'Abergement-Clémenciat", "01") in names("clemenciat")


def test_postal_code_finds_all_its_communes():
    assert names("93200") == [("Saint-Denis", "93")]
    assert ("Paris 1er Arrondissement", "75") in names("75001")


def test_insee_code_finds_the_commune_first():
    assert names("2A004")[0] == ("Ajaccio", "2A")
    assert names("2a004")[0] == ("Ajaccio", "2A")
    assert names("01001")[0] == ("L'Abergement-Clémenciat", "01")


def test_code_prefix_ranks_by_population_and_cities_have_their_arrondissements_codes():
    results = names("1300", 3)
    assert results[0] == ("Marseille", "13")
    assert ("Paris", "75") in names("75001")


def test_empty_or_meaningless_queries_find_nothing():
    assert names("") == []
    assert names("   ") == []
    assert names("'-'") == []
    assert names("zzzzzz") == []


def test_inactive_communes_are_not_found():
    from territories.models import Commune

    Commune.objects.filter(code="93066").update(is_active=False)
    assert ("Saint-Denis", "93") not in names("saint denis 93")


def test_very_long_query_is_cut_not_refused():
    assert names("saint " * 100) is not None


@pytest.mark.parametrize("query", ["paris 11", "paris 11e", "Paris 11e arrondissement"])
def test_an_arrondissement_is_found_with_or_without_its_ordinal(query):
    assert search_communes(query)[0].code == "75111"


def test_a_trailing_department_code_still_narrows_a_name():
    assert [commune.code for commune in search_communes("saint denis 93")][:1] == ["93066"]
    assert "97411" not in [commune.code for commune in search_communes("saint denis 93")]


def test_the_search_page_says_which_postal_code_matched(client):
    html = client.get("/recherche/?q=75011").content.decode()
    # Paris appears through the postal code of its 11th arrondissement.
    assert html.count("code postal 75011") == 2
    html = client.get("/recherche/?q=93066").content.decode()
    assert "code INSEE 93066" in html
