"""Token-authenticated API calls take a shorter middleware chain: what they keep, and what
every other request keeps."""

import pytest
from django.test import Client

from maillon.accounts.services import api_token_create
from tests.factories import SiteFactory, agent_of

pytestmark = pytest.mark.django_db

VISIT = {"channel": "sur-site", "requests": [{"partner": "caf", "theme": "famille"}]}


def bearer(user) -> dict:
    _token, raw = api_token_create(user=user, name="test", scope="write")
    return {"Authorization": f"Bearer {raw}"}


def test_a_token_call_keeps_the_security_headers_and_no_session(client):
    site = SiteFactory()
    response = client.post(
        "/api/v1/visits",
        {**VISIT, "site_id": site.pk},
        content_type="application/json",
        headers=bearer(agent_of(site)),
    )
    assert response.status_code == 201, response.content
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["Content-Language"] == "fr"
    assert int(response["Content-Length"]) == len(response.content)
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_a_token_call_still_checks_the_host(client):
    site = SiteFactory()
    response = client.get("/api/v1/sites", headers=bearer(agent_of(site)), HTTP_HOST="evil.test")
    assert response.status_code == 400


def test_a_bad_token_answers_401_in_json_and_in_french(client):
    response = client.get("/api/v1/visits", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert "Authentification requise" in response.json()["detail"]
    site = SiteFactory()
    refused = client.post(
        "/api/v1/visits",
        {**VISIT, "site_id": site.pk, "requests": [{"theme": "inconnu"}]},
        content_type="application/json",
        headers=bearer(agent_of(site)),
    )
    assert refused.status_code == 422
    assert "Thème inconnu(e)" in refused.json()["detail"][0]["msg"]


def test_a_session_call_keeps_the_full_chain_and_its_csrf_check():
    site = SiteFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(agent_of(site))
    payload = {**VISIT, "site_id": site.pk}
    refused = browser.post("/api/v1/visits", payload, content_type="application/json")
    assert refused.status_code == 403
    # a token sent along with a session cookie: the full chain, the token authenticates
    sent = browser.post(
        "/api/v1/visits", payload, content_type="application/json", headers=bearer(agent_of(site))
    )
    assert sent.status_code == 201
    assert "Accept-Language" in sent["Vary"]


def test_pages_keep_their_middleware(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "Accept-Language" in response["Vary"]
    desk = client.get("/activite/guichet/")
    assert desk.status_code == 302 and "next=/activite/guichet/" in desk["Location"]
