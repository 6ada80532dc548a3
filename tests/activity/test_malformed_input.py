"""Malformed input to the visit API answers 422 with a French message, never 500."""

import datetime

import pytest
import time_machine

from maillon.activity.models import Visit
from tests.activity.factories import bearer, record_visit
from tests.factories import SiteFactory, agent_of

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)
MOMENTS = {
    "year-1-plus-14h": ("0001-01-01T00:00:00+14:00", "antérieure à l'ouverture"),
    "year-1-naive": ("0001-01-01T00:00:00", "antérieure à l'ouverture"),
    "year-9999-minus-14h": ("9999-12-31T23:59:59-14:00", "dans le futur"),
}


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(("moment", "message"), MOMENTS.values(), ids=MOMENTS.keys())
def test_an_overflowing_moment_is_refused_on_create_and_update(client, moment, message):
    site = SiteFactory()
    agent = agent_of(site)
    headers = bearer(agent)
    body = {"site_id": site.pk, "occurred_at": moment, "requests": [{"theme": "famille"}]}
    created = client.post("/api/v1/visits", body, content_type="application/json", headers=headers)
    assert created.status_code == 422, created.content
    assert created.json()["detail"][0]["loc"][-1] == "occurred_at"
    assert message in created.json()["detail"][0]["msg"]
    visit = record_visit(agent, site)
    updated = client.put(
        f"/api/v1/visits/{visit.pk}", body, content_type="application/json", headers=headers
    )
    assert updated.status_code == 422, updated.content
    assert message in updated.json()["detail"][0]["msg"]
    assert Visit.objects.get().occurred_at == visit.occurred_at


BEYOND = 10**20  # more than any 64-bit primary key (SQLite refused to bind it: 500)
CREATES = {
    "visit": ("/api/v1/visits", {"requests": [{"theme": "famille"}]}),
    "outreach": ("/api/v1/outreach-acts", {"day": "2026-03-09", "place": "domicile"}),
    "workshop": (
        "/api/v1/workshops",
        {"day": "2026-03-09", "theme": "numerique", "title": "Mails", "participants": 3},
    ),
}


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(("url", "body"), CREATES.values(), ids=CREATES.keys())
def test_a_site_id_beyond_any_key_is_an_unknown_site(client, url, body):
    site = SiteFactory()
    headers = bearer(agent_of(site))
    response = client.post(
        url, {**body, "site_id": BEYOND}, content_type="application/json", headers=headers
    )
    # the API's schema bounds every id to 64 bits: a French 422 on the field, nothing stored
    assert response.status_code == 422, response.content
    (error,) = response.json()["detail"]
    assert error["loc"][-1] == "site_id" and "9223372036854775807" in error["msg"]
    listed = client.get(f"{url}?site={BEYOND}", headers=headers)
    assert listed.status_code == 422 and listed.json()["detail"][0]["loc"][-1] == "site"


@pytest.mark.parametrize("spec", ["²", "99999999999999999999", "fs:inconnu"])
def test_generate_activity_ignores_ids_that_name_no_site(spec):
    """`maillon generate activity --sites ²` crashed in int() after str.isdigit() said yes."""
    from django.core.management import call_command

    SiteFactory()
    call_command("generate_activity", sites=spec, months=1)
    assert not Visit.objects.exists()
