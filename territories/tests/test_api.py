"""The public API: /api/v1/communes and its OpenAPI schema."""

import pytest

pytestmark = pytest.mark.django_db


def test_search_returns_ranked_communes_with_their_department(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/communes", {"q": "st denis"})
    assert response.status_code == 200
    data = response.json()
    assert [(item["name"], item["department"]["code"]) for item in data[:2]] == [
        ("Saint-Denis", "974"),
        ("Saint-Denis", "93"),
    ]
    assert data[1]["postal_codes"] == ["93200", "93210", "93380"]
    assert data[1]["url"] == "/communes/93066/"
    assert data[1]["department"]["name"] == "Seine-Saint-Denis"


def test_search_by_postal_code_and_insee_code(client):
    assert client.get("/api/v1/communes", {"q": "20000"}).json()[0]["code"] == "2A004"
    assert client.get("/api/v1/communes", {"q": "01001"}).json()[0]["code"] == "01001"


def test_search_limit_is_applied(client):
    assert len(client.get("/api/v1/communes", {"q": "saint", "limit": 3}).json()) == 3


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "obligatoire"),
        ({"q": ""}, "vide"),
        ({"q": "paris", "limit": "500"}, "50"),
        ({"q": "paris", "limit": "0"}, "1"),
        ({"q": "paris", "limit": "beaucoup"}, "nombre entier"),
        ({"q": "x" * 101}, "100"),
    ],
)
def test_bad_parameters_get_a_clear_french_message(client, params, message):
    response = client.get("/api/v1/communes", params)
    assert response.status_code == 422
    assert message in response.json()["detail"][0]["msg"]


def test_commune_detail(client):
    data = client.get("/api/v1/communes/01001").json()
    assert data["name"] == "L'Abergement-Clémenciat"
    assert data["postal_codes"] == ["01400"]
    assert data["town_hall_email"] == "mairieabergementclemenciat@gmail.com"
    assert data["epci"]


def test_unknown_commune_is_404(client):
    assert client.get("/api/v1/communes/99999").status_code == 404


def test_openapi_schema_documents_the_search(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/communes" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/communes"]["get"]["parameters"]}
    assert {"q", "limit"} <= parameters


def test_a_city_with_arrondissements_has_their_postal_codes(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        paris = client.get("/api/v1/communes", {"q": "paris", "limit": 25}).json()
    assert paris[0]["code"] == "75056"
    assert "75001" in paris[0]["postal_codes"] and "75020" in paris[0]["postal_codes"]


def test_interactive_docs_are_served_by_us(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert '<html lang="fr">' in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
