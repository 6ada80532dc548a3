"""Outreach acts and workshops can be deleted over the API: by those who may record them on
the site, with the rollups kept exact and the deletion in the journal."""

import datetime

import pytest
import time_machine

from maillon.accounts.enums import Role
from maillon.activity.models import (
    OutreachAct,
    OutreachDailyRollup,
    OutreachMonthlyRollup,
    Workshop,
    WorkshopDailyRollup,
)
from maillon.activity.rollups_verify import rollups_compare
from maillon.activity.services import outreach_record, workshop_record
from maillon.journal.enums import JournalAction
from maillon.journal.models import JournalEntry
from maillon.network.models import Partner
from tests.activity.factories import bearer
from tests.factories import MembershipFactory, SiteFactory, agent_of, manager_of

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)
DAY = datetime.date(2026, 3, 9)


def _outreach(agent, site, people: int, day: datetime.date = DAY) -> OutreachAct:
    return outreach_record(
        agent=agent, site_id=site.pk, day=day, place="domicile", people_reached=people
    ).object


def _workshop(agent, site, participants: int) -> Workshop:
    return workshop_record(
        agent=agent,
        site_id=site.pk,
        day=DAY,
        theme="numerique",
        title="Mails",
        participants=participants,
    ).object


@time_machine.travel(NOON, tick=False)
def test_deleting_an_outreach_act_keeps_the_rollups_exact_and_is_journalled(client):
    site = SiteFactory()
    agent = agent_of(site)
    # its author, the same day (the visits' window: author_edit_days = 0)
    kept, gone = _outreach(agent, site, 3, NOON.date()), _outreach(agent, site, 7, NOON.date())
    response = client.delete(f"/api/v1/outreach-acts/{gone.pk}", headers=bearer(agent))
    assert response.status_code == 204
    assert list(OutreachAct.objects.values_list("pk", flat=True)) == [kept.pk]
    assert OutreachMonthlyRollup.objects.get().people_reached == 3
    assert OutreachDailyRollup.objects.get().acts == 1
    assert rollups_compare()[2] == 0
    entry = JournalEntry.objects.get(action=JournalAction.DELETE)
    assert (entry.actor, entry.object_id, entry.site_id) == (agent, str(gone.pk), site.pk)
    assert entry.changes["people_reached"] == [7, None]
    again = client.delete(f"/api/v1/outreach-acts/{gone.pk}", headers=bearer(agent))
    assert again.status_code == 404


@time_machine.travel(NOON, tick=False)
def test_yesterdays_act_is_locked_for_its_author_with_the_reason(client):
    site = SiteFactory()
    agent = agent_of(site)
    act = _outreach(agent, site, 3)  # yesterday
    response = client.delete(f"/api/v1/outreach-acts/{act.pk}", headers=bearer(agent))
    assert response.status_code == 403
    assert "ne peut plus être modifié" in response.json()["detail"]
    assert OutreachAct.objects.count() == 1


@time_machine.travel(NOON, tick=False)
def test_a_manager_deletes_a_workshop_and_the_rollups_follow(client):
    site = SiteFactory()
    agent = agent_of(site)
    kept, gone = _workshop(agent, site, 4), _workshop(agent, site, 9)
    manager = manager_of(site.organisation)
    response = client.delete(f"/api/v1/workshops/{gone.pk}", headers=bearer(manager))
    assert response.status_code == 204
    assert list(Workshop.objects.values_list("pk", flat=True)) == [kept.pk]
    assert WorkshopDailyRollup.objects.get().participants == 4
    assert rollups_compare()[2] == 0
    entry = JournalEntry.objects.get(action=JournalAction.DELETE)
    assert (entry.actor, entry.changes["title"]) == (manager, ["Mails", None])


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize("who", ["other_site_agent", "partner_viewer", "anonymous"])
def test_whoever_may_not_record_on_the_site_cannot_delete(client, who):
    site = SiteFactory()
    agent = agent_of(site)
    act, workshop = _outreach(agent, site, 2), _workshop(agent, site, 5)
    users = {
        "other_site_agent": agent_of(SiteFactory()),
        "partner_viewer": MembershipFactory(
            role=Role.PARTNER_VIEWER, partner=Partner.objects.get(code="caf")
        ).user,
    }
    headers = bearer(users[who]) if who in users else {}
    expected = 401 if who == "anonymous" else 404
    for url in (f"/api/v1/outreach-acts/{act.pk}", f"/api/v1/workshops/{workshop.pk}"):
        assert client.delete(url, headers=headers).status_code == expected
    assert OutreachAct.objects.count() == Workshop.objects.count() == 1
    assert not JournalEntry.objects.filter(action=JournalAction.DELETE).exists()


@time_machine.travel(NOON, tick=False)
def test_a_retried_create_of_a_deleted_act_is_refused_not_recreated(client):
    site = SiteFactory()
    headers = {**bearer(agent_of(site)), "Idempotency-Key": "o-1"}
    body = {"site_id": site.pk, "day": "2026-03-10", "place": "domicile", "people_reached": 2}
    first = client.post(
        "/api/v1/outreach-acts", body, content_type="application/json", headers=headers
    )
    assert first.status_code == 201
    client.delete(f"/api/v1/outreach-acts/{first.json()['id']}", headers=headers)
    retry = client.post(
        "/api/v1/outreach-acts", body, content_type="application/json", headers=headers
    )
    assert retry.status_code == 422
    assert retry.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert "supprimé" in retry.json()["detail"][0]["msg"]
    assert not OutreachAct.objects.exists()


@time_machine.travel(NOON, tick=False)
def test_a_retried_create_of_a_deleted_visit_is_refused_not_a_server_error(client):
    site = SiteFactory()
    headers = {**bearer(agent_of(site)), "Idempotency-Key": "v-1"}
    body = {"site_id": site.pk, "requests": [{"theme": "famille"}]}
    first = client.post("/api/v1/visits", body, content_type="application/json", headers=headers)
    assert first.status_code == 201
    assert client.delete(f"/api/v1/visits/{first.json()['id']}", headers=headers).status_code == 204
    retry = client.post("/api/v1/visits", body, content_type="application/json", headers=headers)
    assert retry.status_code == 422
    assert retry.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
