"""`PUT` and `DELETE /api/v1/outreach-acts/{id}` and `/workshops/{id}`: the window, the journal
and the rollups of the pages (`activity.counted`), in the OpenAPI document."""

import datetime

import pytest
import time_machine

from maillon.activity.models import (
    OutreachAct,
    OutreachDailyRollup,
    Workshop,
    WorkshopDailyRollup,
)
from maillon.activity.rollups_verify import rollups_compare
from maillon.activity.services import outreach_record, workshop_record
from maillon.journal.enums import JournalAction
from maillon.journal.models import JournalEntry
from tests.activity.test_api import bearer
from tests.factories import SiteFactory, agent_of, manager_of

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 11, 11, 0, tzinfo=datetime.UTC)
TODAY = NOON.date()
YESTERDAY = TODAY - datetime.timedelta(days=1)


def _exact() -> None:
    _, differences, total = rollups_compare()
    assert total == 0, differences


def _act(agent, site, day=TODAY) -> OutreachAct:
    return outreach_record(
        agent=agent, site_id=site.pk, day=day, place="domicile", people_reached=2
    ).object


def _workshop(agent, site, day=TODAY) -> Workshop:
    return workshop_record(
        agent=agent, site_id=site.pk, day=day, theme="numerique", title="Mails", participants=6
    ).object


def _put(client, path: str, body: dict, user):
    return client.put(path, body, content_type="application/json", headers=bearer(user))


@time_machine.travel(NOON, tick=False)
def test_the_author_replaces_an_outreach_act_and_the_rollups_and_journal_follow(client):
    site = SiteFactory()
    agent = agent_of(site)
    act = _act(agent, site)
    body = {
        "site_id": site.pk,
        "day": YESTERDAY.isoformat(),
        "place": "transports",
        "partner": "keolis",
        "people_reached": 5,
    }
    response = _put(client, f"/api/v1/outreach-acts/{act.pk}", body, agent)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": act.pk,
        "site_id": site.pk,
        "day": YESTERDAY.isoformat(),
        "place": "transports",
        "partner": "keolis",
        "people_reached": 5,
    }
    rollups = {(r.day, r.people_reached) for r in OutreachDailyRollup.objects.filter(acts__gt=0)}
    assert rollups == {(YESTERDAY, 5)}  # moved from today (2 people) to yesterday
    entry = JournalEntry.objects.filter(action=JournalAction.UPDATE).get()
    assert entry.changes["people_reached"] == [2, 5]
    _exact()


@time_machine.travel(NOON, tick=False)
def test_a_workshop_is_replaced_then_deleted_through_the_api(client):
    site = SiteFactory()
    agent = agent_of(site)
    workshop = _workshop(agent, site)
    path = f"/api/v1/workshops/{workshop.pk}"
    body = {
        "site_id": site.pk,
        "day": TODAY.isoformat(),
        "theme": "numerique",
        "title": "France Connect",
        "participants": 9,
        "duration_minutes": 90,
    }
    response = _put(client, path, body, agent)
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["participants"]) == ("France Connect", 9)
    assert WorkshopDailyRollup.objects.get().participants == 9
    _exact()
    bad = _put(client, path, {**body, "participants": 0}, agent)
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "payload", "participants"]
    moved = _put(client, path, {**body, "site_id": SiteFactory().pk}, agent)
    assert moved.status_code == 422
    assert moved.json()["detail"][0]["loc"] == ["body", "payload", "site_id"]
    assert client.delete(path, headers=bearer(agent)).status_code == 204
    assert not Workshop.objects.exists()
    assert JournalEntry.objects.filter(action=JournalAction.DELETE).count() == 1
    _exact()


@time_machine.travel(NOON, tick=False)
def test_past_the_authors_window_a_put_is_403_and_a_manager_corrects(client):
    site = SiteFactory()
    agent = agent_of(site)
    act = _act(agent, site, day=YESTERDAY)
    path = f"/api/v1/outreach-acts/{act.pk}"
    body = {"site_id": site.pk, "day": YESTERDAY.isoformat(), "place": "domicile"}
    refused = _put(client, path, {**body, "people_reached": 4}, agent)
    assert refused.status_code == 403
    assert "ne peut plus être modifié" in refused.json()["detail"]
    assert client.delete(path, headers=bearer(agent)).status_code == 403
    act.refresh_from_db()
    assert act.people_reached == 2
    manager = manager_of(site.organisation)
    assert _put(client, path, {**body, "people_reached": 4}, manager).status_code == 200
    assert OutreachDailyRollup.objects.get(day=YESTERDAY).people_reached == 4
    _exact()


@time_machine.travel(NOON, tick=False)
def test_another_sites_agent_gets_404_and_nothing_changes(client):
    site = SiteFactory()
    act, workshop = _act(agent_of(site), site), _workshop(agent_of(site), site)
    stranger = agent_of(SiteFactory())
    body = {"site_id": site.pk, "day": TODAY.isoformat(), "place": "transports"}
    assert _put(client, f"/api/v1/outreach-acts/{act.pk}", body, stranger).status_code == 404
    assert (
        client.delete(f"/api/v1/workshops/{workshop.pk}", headers=bearer(stranger)).status_code
        == 404
    )
    assert OutreachAct.objects.get().place.code == "domicile" and Workshop.objects.exists()


def test_the_openapi_document_describes_put_and_delete():
    from maillon.api.urls import api

    paths = api.get_openapi_schema()["paths"]
    for path in ("/api/v1/outreach-acts/{act_id}", "/api/v1/workshops/{workshop_id}"):
        assert {"get", "put", "delete"} <= set(paths[path])
