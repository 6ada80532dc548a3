import datetime

import pytest
import time_machine

from maillon.accounts.enums import Role
from maillon.accounts.services import api_token_create
from maillon.activity.models import Visit, VisitDailyRollup
from maillon.network.models import NetworkMembership, Partner
from tests.activity.factories import record_visit
from tests.factories import (
    MembershipFactory,
    NetworkFactory,
    SiteFactory,
    agent_of,
    manager_of,
)

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)
VISIT = {
    "site_id": 0,
    "channel": "sur-site",
    "requests": [
        {"partner": "caf", "theme": "famille", "help_kind": "accompagnement"},
        {"partner": "cpam", "theme": "social-sante", "outcome": "a-revoir", "follow_up": True},
    ],
}


def bearer(user) -> dict:
    _token, raw = api_token_create(user=user, name="test", scope="write")
    return {"Authorization": f"Bearer {raw}"}


def visit_payload(site, **changes) -> dict:
    return {**VISIT, "site_id": site.pk, **changes}


@time_machine.travel(NOON, tick=False)
def test_create_then_retry_with_the_same_idempotency_key(client):
    site = SiteFactory()
    headers = {**bearer(agent_of(site)), "Idempotency-Key": "tablette-42"}
    first = client.post(
        "/api/v1/visits", visit_payload(site), content_type="application/json", headers=headers
    )
    assert first.status_code == 201, first.content
    body = first.json()
    assert [r["partner"] for r in body["requests"]] == ["caf", "cpam"]
    again = client.post(
        "/api/v1/visits", visit_payload(site), content_type="application/json", headers=headers
    )
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert Visit.objects.count() == 1
    assert VisitDailyRollup.objects.get().visits == 1
    other = client.post(
        "/api/v1/visits",
        visit_payload(site, channel="telephone"),
        content_type="application/json",
        headers=headers,
    )
    assert other.status_code == 422
    assert other.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]


@time_machine.travel(NOON, tick=False)
def test_a_visit_reads_the_same_when_created_listed_fetched_and_changed(client):
    site = SiteFactory()
    agent = agent_of(site)
    headers = bearer(agent)
    payload = visit_payload(
        site,
        occurred_at="2026-03-10T11:30:00+01:00",
        age_band="60-69",
        qpv_resident=True,
        duration_minutes=25,
    )
    created = client.post(
        "/api/v1/visits", payload, content_type="application/json", headers=headers
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["occurred_at"] == "2026-03-10T11:30:00+01:00"  # the creation echoes it as sent
    body = client.get(f"/api/v1/visits/{body['id']}", headers=headers).json()
    assert body == {
        "id": body["id"],
        "site_id": site.pk,
        "agent_id": agent.pk,
        "occurred_at": "2026-03-10T10:30:00Z",
        "day": "2026-03-10",
        "channel": "sur-site",
        "age_band": "60-69",
        "qpv_resident": True,
        "first_visit": None,
        "duration_minutes": 25,
        "corrected": False,
        "requests": [
            {
                "partner": "caf",
                "theme": "famille",
                "help_kind": "accompagnement",
                "outcome": "resolu",
                "follow_up": False,
                "help_defaulted": False,
                "outcome_defaulted": True,
                "referral": None,
            },
            {
                "partner": "cpam",
                "theme": "social-sante",
                "help_kind": "information",
                "outcome": "a-revoir",
                "follow_up": True,
                "help_defaulted": True,
                "outcome_defaulted": False,
                "referral": None,
            },
        ],
    }
    assert {**created.json(), "occurred_at": body["occurred_at"]} == body
    assert client.get("/api/v1/visits", headers=headers).json()["items"] == [body]
    changed = client.put(
        f"/api/v1/visits/{body['id']}",
        {**payload, "channel": "telephone", "requests": [{"theme": "numerique"}]},
        content_type="application/json",
        headers=headers,
    ).json()
    assert changed == {
        **body,
        "channel": "telephone",
        "requests": [
            {
                "partner": None,
                "theme": "numerique",
                "help_kind": "information",
                "outcome": "resolu",
                "follow_up": False,
                "help_defaulted": True,
                "outcome_defaulted": True,
                "referral": None,
            }
        ],
    }


@time_machine.travel(NOON, tick=False)
def test_bad_input_answers_422_with_the_field_path(client):
    site = SiteFactory()
    headers = bearer(agent_of(site))
    payload = visit_payload(site)
    payload["requests"] = [
        {"partner": "caf", "theme": "famille"},
        {"partner": "nope", "theme": "x"},
    ]
    response = client.post(
        "/api/v1/visits", payload, content_type="application/json", headers=headers
    )
    assert response.status_code == 422
    locs = {tuple(d["loc"]): d["msg"] for d in response.json()["detail"]}
    assert ("body", "payload", "requests", 1, "partner") in locs
    assert "Partenaire inconnu(e) : « nope »" in locs[("body", "payload", "requests", 1, "partner")]
    assert ("body", "payload", "requests", 1, "theme") in locs
    future = visit_payload(site, occurred_at="2026-03-11T09:00:00+01:00")
    response = client.post(
        "/api/v1/visits", future, content_type="application/json", headers=headers
    )
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "occurred_at"]
    assert Visit.objects.count() == 0


@time_machine.travel(NOON, tick=False)
def test_list_filters_and_cursor_pagination(client, django_assert_num_queries):
    site, other_site = SiteFactory(), SiteFactory(organisation=None)
    agent = agent_of(site)
    for i in range(5):
        record_visit(agent, site, occurred_at=NOON - datetime.timedelta(days=i))
    headers = bearer(agent)
    client.get("/api/v1/visits", headers=headers)  # token last-used update, taxonomy cache
    seen, cursor = [], None
    for _ in range(3):
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        with django_assert_num_queries(4):  # token, network-admin check, visits, requests
            page = client.get("/api/v1/visits", params, headers=headers).json()
        seen += [v["id"] for v in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(Visit.objects.values_list("pk", flat=True), reverse=True)
    recent = client.get("/api/v1/visits", {"start": "2026-03-09"}, headers=headers).json()
    assert len(recent["items"]) == 2
    by_partner = client.get("/api/v1/visits", {"partner": "caf"}, headers=headers).json()
    assert len(by_partner["items"]) == 5
    assert client.get("/api/v1/visits", {"partner": "edf"}, headers=headers).json()["items"] == []
    assert client.get("/api/v1/visits", {"theme": "nope"}, headers=headers).status_code == 422
    assert (
        client.get("/api/v1/visits", {"site": other_site.pk}, headers=headers).json()["items"] == []
    )


def _world():
    network = NetworkFactory()
    site = SiteFactory()
    NetworkMembership.objects.create(network=network, organisation=site.organisation)
    author = agent_of(site)
    visit = record_visit(author, site)
    foreign = SiteFactory()
    actors = {
        "author": author,
        "colleague": agent_of(site),
        "agent-elsewhere": agent_of(foreign),
        "manager": manager_of(site.organisation),
        "manager-elsewhere": manager_of(foreign.organisation),
        "network-admin": MembershipFactory(role=Role.NETWORK_ADMIN, network=network).user,
        "partner-viewer": MembershipFactory(
            role=Role.PARTNER_VIEWER, partner=Partner.objects.get(code="caf")
        ).user,
    }
    return site, visit, actors


# actor → (list sees it, GET, create on the site, PUT, DELETE)
MATRIX = {
    "author": (True, 200, 201, 200, 204),
    "colleague": (True, 200, 201, 403, 403),
    "agent-elsewhere": (False, 404, 422, 404, 404),
    "manager": (True, 200, 201, 200, 204),
    "manager-elsewhere": (False, 404, 422, 404, 404),
    "network-admin": (True, 200, 201, 200, 204),
    "partner-viewer": (False, 404, 422, 404, 404),
    "anonymous": (False, 401, 401, 401, 401),
}


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize("actor", list(MATRIX), ids=list(MATRIX))
def test_permission_matrix(client, actor):
    site, visit, actors = _world()
    listed, get, create, put, delete = MATRIX[actor]
    headers = bearer(actors[actor]) if actor != "anonymous" else {}
    response = client.get("/api/v1/visits", headers=headers)
    if actor == "anonymous":
        assert response.status_code == 401
    else:
        assert (visit.pk in [v["id"] for v in response.json()["items"]]) is listed
    assert client.get(f"/api/v1/visits/{visit.pk}", headers=headers).status_code == get
    created = client.post(
        "/api/v1/visits", visit_payload(site), content_type="application/json", headers=headers
    )
    assert created.status_code == create
    if create == 422:
        assert created.json()["detail"][0]["loc"] == ["body", "payload", "site_id"]
    changed = client.put(
        f"/api/v1/visits/{visit.pk}",
        visit_payload(site, channel="telephone", reason="Canal corrigé"),
        content_type="application/json",
        headers=headers,
    )
    assert changed.status_code == put
    deleted = client.delete(f"/api/v1/visits/{visit.pk}?reason=Doublon", headers=headers)
    assert deleted.status_code == delete


@time_machine.travel(NOON, tick=False)
def test_outreach_and_workshop_endpoints(client):
    site = SiteFactory()
    headers = {**bearer(agent_of(site)), "Idempotency-Key": "o-1"}
    act = {
        "site_id": site.pk,
        "day": "2026-03-10",
        "place": "transports",
        "partner": "keolis",
        "people_reached": 3,
    }
    assert (
        client.post(
            "/api/v1/outreach-acts", act, content_type="application/json", headers=headers
        ).status_code
        == 201
    )
    assert (
        client.post(
            "/api/v1/outreach-acts", act, content_type="application/json", headers=headers
        ).status_code
        == 200
    )
    listed = client.get("/api/v1/outreach-acts", headers=headers).json()["items"]
    assert [(a["place"], a["partner"], a["people_reached"]) for a in listed] == [
        ("transports", "keolis", 3)
    ]
    workshop = {
        "site_id": site.pk,
        "day": "2026-03-10",
        "theme": "numerique",
        "title": "France Connect",
        "participants": 7,
    }
    response = client.post(
        "/api/v1/workshops",
        workshop,
        content_type="application/json",
        headers=bearer(agent_of(site)),
    )
    assert response.status_code == 201
    assert response.json()["theme"] == "numerique"
    bad = {**workshop, "participants": 0}
    response = client.post(
        "/api/v1/workshops", bad, content_type="application/json", headers=bearer(agent_of(site))
    )
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "participants"]
    taxonomies = client.get("/api/v1/activity/taxonomies", headers=headers).json()
    assert {"channel", "theme", "help_kind", "outcome", "place", "age_band", "partner"} <= set(
        taxonomies
    )
    assert "/api/v1/visits" in client.get("/api/openapi.json").json()["paths"]
