import pytest

from maillon.accounts.services import api_token_create
from tests.factories import SiteFactory, agent_of

pytestmark = pytest.mark.django_db


def test_openapi_document_lists_the_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    assert {"/api/v1/geo/communes", "/api/v1/geo/communes/{code}", "/api/v1/sites"} <= set(
        schema["paths"]
    )
    assert client.get("/api/docs").status_code == 302  # the browsable page needs a login


def test_commune_search_and_lookup_are_public(client):
    found = client.get("/api/v1/geo/communes", {"q": "saint etienne"}).json()
    assert found[0]["code"] == "42218"
    by_postal = client.get("/api/v1/geo/communes", {"postal_code": "69008"}).json()
    assert [c["name"] for c in by_postal] == ["Lyon 8e Arrondissement"]
    lyon8 = client.get("/api/v1/geo/communes/69388").json()
    assert (lyon8["parent_code"], lyon8["department_code"]) == ("69123", "69")
    assert client.get("/api/v1/geo/communes/00000").status_code == 404


def test_sites_need_authentication_and_are_scoped(client):
    mine, other = SiteFactory(), SiteFactory()
    agent = agent_of(mine)
    assert client.get("/api/v1/sites").status_code == 401
    _token, raw = api_token_create(user=agent, name="tablette")
    headers = {"Authorization": f"Bearer {raw}"}
    listed = client.get("/api/v1/sites", headers=headers).json()
    assert [s["id"] for s in listed["items"]] == [mine.pk]
    assert client.get(f"/api/v1/sites/{other.pk}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/sites/{mine.pk}", headers=headers).status_code == 200
    bad = {"Authorization": "Bearer not-a-token"}
    assert client.get("/api/v1/sites", headers=bad).status_code == 401


def test_session_auth_works_for_the_web(client):
    site = SiteFactory()
    client.force_login(agent_of(site))
    assert client.get("/api/v1/sites").json()["count"] == 1
