"""The API's error contract: JSON with a French `detail` for every error, statuses declared in
the OpenAPI document, malformed parameters answered 4xx (never 500)."""

import pytest
from django.test import Client

from maillon.accounts.services import api_token_create
from tests.factories import MembershipFactory, SiteFactory, agent_of

pytestmark = pytest.mark.django_db


def _bearer(user, scope="write") -> dict:
    _token, raw = api_token_create(user=user, name="test", scope=scope)
    return {"Authorization": f"Bearer {raw}"}


def _french_json(response, status: int) -> str:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail
    return detail


@pytest.mark.parametrize("with_token", [False, True], ids=["session", "token"])
def test_an_unknown_api_address_answers_404_in_json(client, with_token):
    user = agent_of(SiteFactory())
    headers = _bearer(user) if with_token else {}
    if not with_token:
        client.force_login(user)
    detail = _french_json(client.get("/api/v1/nowhere", headers=headers), 404)
    assert detail == "Ressource introuvable."
    _french_json(client.get("/api/v1/sites/999999", headers=headers), 404)


def test_a_method_not_accepted_answers_405_in_json_with_allow(client):
    user = agent_of(SiteFactory())
    response = client.patch("/api/v1/visits", {}, headers=_bearer(user))
    assert _french_json(response, 405) == "Méthode HTTP non acceptée à cette adresse."
    assert "GET" in response["Allow"] and "POST" in response["Allow"]


def test_missing_authentication_answers_401_in_french(client):
    assert "Authentification requise" in _french_json(client.get("/api/v1/visits"), 401)


def test_a_server_error_in_the_api_answers_json_not_django_html(monkeypatch):
    from maillon.api import sites

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(sites, "site_list", broken)
    user = agent_of(SiteFactory())
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/sites", headers=_bearer(user))
    assert "Erreur interne" in _french_json(response, 500)
    assert "boom" not in response.text


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/geo/communes?postal_code=%00",
        "/api/v1/geo/communes?q=a%00b",
        "/api/v1/sites?q=%00",
        "/api/v1/public/sites?q=%00",
        "/api/v1/geo/communes/%00",
    ],
)
def test_a_nul_byte_in_an_api_parameter_answers_400_in_json(client, settings, url):
    settings.MAILLON_PUBLIC_API_RATE = ""  # the public rate limit is another issue's fix
    user = agent_of(SiteFactory())
    assert "caractère nul" in _french_json(client.get(url, headers=_bearer(user)), 400)


@pytest.mark.parametrize(
    "url", ["/?commune=%00", "/?q=%00", "/lieux/?q=%00"], ids=["commune", "q", "directory"]
)
def test_a_nul_byte_in_a_page_parameter_answers_a_french_page(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "caractère nul" in response.text and "<h1>Requête invalide</h1>" in response.text


def test_a_nul_byte_in_a_form_field_or_a_json_body_answers_400(client):
    site = SiteFactory()
    user = agent_of(site)
    client.force_login(user)
    form = client.post("/compte/jetons/", {"name": "a\x00b", "scope": "read", "days": 3})
    assert form.status_code == 400 and "caractère nul" in form.text
    body = client.post(
        "/api/v1/visits",
        '{"site_id": SITE, "channel": "sur-site\\u0000", "requests": []}'.replace(
            "SITE", str(site.pk)
        ),
        content_type="application/json",
        headers=_bearer(user),
    )
    assert "caractère nul" in _french_json(body, 400)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/sites?offset=99999999999999999999",
        "/api/v1/sites?offset=9223372036854775808",
        "/api/v1/sites?limit=99999999999999999999",
        "/api/v1/geo/communes?q=lyon&limit=99999999999999999999",
        "/api/v1/visits?limit=99999999999999999999",
        "/api/v1/visits?cursor=aWQ6OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ",
        "/api/v1/public/sites?q=lyon&page=99999999999999999999",
        "/api/v1/public/sites?q=lyon&page_size=99999999999999999999",
    ],
    ids=[
        "sites-offset",
        "sites-offset-int64",
        "sites-limit",
        "communes-limit",
        "visits-limit",
        "visits-cursor",
        "public-page",
        "public-page-size",
    ],
)
def test_huge_offsets_and_limits_answer_422_not_500(settings, url):
    settings.MAILLON_PUBLIC_API_RATE = ""
    user = MembershipFactory(network_admin=True).user
    client = Client(raise_request_exception=False)
    response = client.get(url, headers=_bearer(user))
    assert response.status_code == 422, response.content[:300]
    problem = response.json()["detail"][0]
    assert problem["loc"][0] == "query"
    assert problem["msg"].startswith(("Doit être inférieur ou égal à", "Curseur invalide"))


def test_list_bounds_are_declared_in_the_openapi_document(client):
    schema = client.get("/api/openapi.json").json()

    def parameter(path, name):
        found = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name]
        return found[0]["schema"]

    assert parameter("/api/v1/sites", "offset")["maximum"] >= 1000
    assert parameter("/api/v1/sites", "limit")["maximum"] == 100
    assert parameter("/api/v1/geo/communes", "limit")["maximum"] == 100
    assert parameter("/api/v1/visits", "limit")["maximum"] == 200
    assert parameter("/api/v1/public/sites", "page")["maximum"] >= 100


def test_a_101_character_idempotency_key_answers_422_in_french(client):
    site = SiteFactory()
    user = agent_of(site)
    response = client.post(
        "/api/v1/visits",
        {"site_id": site.pk, "requests": [{"partner": "caf", "theme": "famille"}]},
        content_type="application/json",
        headers={**_bearer(user), "Idempotency-Key": "k" * 101},
    )
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["loc"] == ["header", "Idempotency-Key"]
    assert "100 caractères" in problem["msg"]


def test_a_validation_error_names_the_field_as_the_client_sent_it(client):
    mine, other = SiteFactory(), SiteFactory()
    user = agent_of(mine)
    response = client.post(
        "/api/v1/visits",
        {"site_id": other.pk, "requests": [{"partner": "caf", "theme": "famille"}]},
        content_type="application/json",
        headers=_bearer(user),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "site_id"]


def test_the_openapi_document_declares_the_error_statuses():
    schema = Client().get("/api/openapi.json").json()
    visits = schema["paths"]["/api/v1/visits"]
    assert {"400", "401", "403", "422"} <= set(visits["post"]["responses"])
    assert {"400", "401", "403", "404", "422"} <= set(
        schema["paths"]["/api/v1/visits/{visit_id}"]["delete"]["responses"]
    )
    public = schema["paths"]["/api/v1/public/sites"]["get"]["responses"]
    assert {"400", "422", "429"} <= set(public) and "401" not in public
    error = visits["post"]["responses"]["401"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/Erreur"}
    assert "detail" in schema["components"]["schemas"]["Erreur"]["properties"]


def test_the_docs_page_is_behind_login_with_the_csp_and_local_assets(client):
    assert Client().get("/api/openapi.json").status_code == 200  # public, for integrators
    anonymous = client.get("/api/docs")
    assert anonymous.status_code == 302 and "/compte/connexion/" in anonymous["Location"]
    client.force_login(agent_of(SiteFactory()))
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert "cdn." not in page.text and "https://" not in page.text
    assert "/static/ninja/swagger-ui-bundle.js" in page.text


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", "/api/v1/visits/99999999999999999999", None),
        ("get", "/api/v1/sites/9223372036854775808", None),
        ("get", "/api/v1/visits?site=99999999999999999999", None),
        ("post", "/api/v1/visits", {"site_id": 2**64, "requests": []}),
        ("post", "/api/v1/outreach-acts", {"site_id": 2**64, "day": "2026-03-10", "place": "x"}),
    ],
    ids=["visit-path", "site-path", "visits-filter", "visit-body", "outreach-body"],
)
def test_an_id_over_64_bits_answers_422_not_500(method, url, body):
    user = agent_of(SiteFactory())
    client = Client(raise_request_exception=False)
    kwargs = {"content_type": "application/json"} if body is not None else {}
    response = getattr(client, method)(url, body, headers=_bearer(user), **kwargs)
    assert response.status_code == 422, response.content[:300]
    assert response.json()["detail"][0]["msg"].startswith("Doit être inférieur ou égal à")


def test_a_multipart_body_without_boundary_answers_400():
    user = agent_of(SiteFactory())
    client = Client(raise_request_exception=False)
    response = client.generic(
        "POST",
        "/api/v1/visits",
        b"site_id=1",
        content_type="multipart/form-data",
        headers=_bearer(user),
    )
    assert "multipart" in _french_json(response, 400)
