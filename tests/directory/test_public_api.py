"""The public API: no authentication, the same search as the pages, French errors, rate limit."""

import pytest

from tests.directory.conftest import TUESDAY_MORNING

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("france_services")]
URL = "/api/v1/public/sites"


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.MAILLON_PUBLIC_API_RATE = ""


def test_in_the_openapi_document(client):
    schema = client.get("/api/openapi.json").json()
    assert {URL, URL + "/{site_id}"} <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"][URL]["get"]["parameters"]}
    assert {"q", "commune", "near", "radius_km", "open_at", "partner", "page"} <= parameters
    assert not schema["paths"][URL]["get"].get("security")


def test_search_without_account_is_paginated(client):
    first = client.get(URL, {"q": "saint etienne", "page_size": 5}).json()
    assert first["communes"] == ["Saint-Étienne (42218)"]
    assert first["count"] > 5 and first["pages"] == -(-first["count"] // 5)
    assert len(first["items"]) == 5
    item = first["items"][0]
    assert item["commune_code"] == "42218" and item["distance_km"] < 10
    assert item["url"] == f"/lieux/{item['id']}/" and item["france_services"] is True
    second = client.get(URL, {"q": "saint etienne", "page_size": 5, "page": 2}).json()
    assert {i["id"] for i in first["items"]}.isdisjoint({i["id"] for i in second["items"]})


def test_near_commune_open_at_and_partner(client):
    near = client.get(URL, {"near": "45.4397,4.3872", "radius_km": 5}).json()
    distances = [i["distance_km"] for i in near["items"]]
    assert distances == sorted(distances) and distances[-1] <= 5
    by_code = client.get(URL, {"commune": "69388"}).json()
    assert by_code["communes"] == ["Lyon 8e Arrondissement (69388)"]
    sunday = client.get(URL, {"q": "Lyon", "open_at": "2026-11-22T15:00:00+01:00"}).json()
    assert all(i["is_open"] for i in sunday["items"])
    tuesday = client.get(URL, {"q": "Lyon", "open_at": TUESDAY_MORNING.isoformat()}).json()
    assert tuesday["count"] > sunday["count"]
    with_caf = client.get(URL, {"q": "Lyon", "partner": "caf"}).json()
    assert with_caf["count"] == client.get(URL, {"q": "Lyon"}).json()["count"]


@pytest.mark.parametrize(
    ("params", "status", "detail"),
    [
        ({"near": "45.4,4.3", "radius_km": 10000}, 400, "entre 1 et 200 km"),
        ({"near": "abc"}, 400, "latitude,longitude"),
        ({"near": "95,4"}, 400, "Coordonnées impossibles"),
        ({"partner": "nobody"}, 400, "Partenaire inconnu"),
    ],
    ids=["radius", "near-text", "near-range", "partner"],
)
def test_bad_parameters_get_french_400(client, params, status, detail):
    response = client.get(URL, params)
    assert response.status_code == status
    assert detail in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "Sant-Etienne"}, "vouliez-vous dire Saint-Étienne ?"),
        ({"q": "99999"}, "Le code postal « 99999 » n'existe pas."),
        ({"near": "51.5,-0.12"}, "hors de France"),
    ],
    ids=["typo", "postal-code", "london"],
)
def test_searches_leading_nowhere_explain_why(client, params, message):
    body = client.get(URL, params).json()
    assert body["count"] == 0 and message in body["messages"][0]


def test_one_site(client):
    found = client.get(URL, {"q": "saint etienne", "page_size": 1}).json()["items"][0]
    site = client.get(f"{URL}/{found['id']}").json()
    assert site["name"] == found["name"] and site["opening_hours_text"]
    assert client.get(f"{URL}/99999999").status_code == 404


def test_list_query_count_is_locked(client, django_assert_num_queries):
    client.get(URL, {"q": "saint etienne"})
    # candidates, label stamp, sites of the page (the communes of the place are remembered)
    with django_assert_num_queries(3):
        client.get(URL, {"q": "saint etienne"})


def test_rate_limited_per_client(client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.MAILLON_PUBLIC_API_RATE = "3/min"
    statuses = [client.get(URL, {"q": "Brest"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get(URL, {"q": "Brest"})
    assert "Trop de requêtes" in limited.json()["detail"]
    assert 1 <= int(limited["Retry-After"]) <= 60
    other = client.get(URL, {"q": "Brest"}, REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 200
    cache.clear()
