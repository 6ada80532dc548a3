"""The framework floor of `bench desk` writes the rows the product writes for the bench's body —
the visit, its requests (defaults flagged as such) and the follow-up of the « à revoir » one —
so that the ratio product / floor compares the same work."""

import datetime
import json

import pytest
import time_machine
from django.test import RequestFactory

from maillon.activity import taxonomy
from maillon.activity.models import FollowUp, Request, Visit
from maillon.activity.services import RequestInput, visit_record
from maillon.bench import desk, floor
from maillon.bench.management.commands.bench_desk import floor_ids
from tests.factories import SiteFactory, agent_of

NOON = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)


def written(visit_id: int) -> tuple:
    visit = Visit.objects.get(pk=visit_id)
    requests = [
        (r.position, r.partner_id, r.theme_id, r.help_kind_id, r.outcome_id, r.follow_up)
        + (r.help_defaulted, r.outcome_defaulted)
        for r in Request.objects.filter(visit=visit).order_by("position")
    ]
    follow_ups = [
        (f.request.position, f.site_id, f.due_on, f.reference)
        for f in FollowUp.objects.filter(request__visit=visit).select_related("request")
    ]
    return (visit.site_id, visit.agent_id, visit.day, visit.channel_id, requests, follow_ups)


@pytest.mark.postgresql
@pytest.mark.django_db
@time_machine.travel(NOON, tick=False)
def test_the_floor_writes_what_the_product_writes(monkeypatch):
    site = SiteFactory()
    agent = agent_of(site)
    vocab = taxonomy.vocabularies(refresh=True)
    rule = desk.FollowUpRule(vocab["outcome"].by_code["a-revoir"].id, 7)
    monkeypatch.setenv(floor.IDS_VARIABLE, floor_ids(vocab, [("token", site.pk, agent.pk)], rule))
    monkeypatch.setattr(floor, "_ids", {})
    body = {**desk.VISIT_BODY, "site_id": site.pk}
    request = RequestFactory().post("/api/v1/visits", json.dumps(body), "application/json")
    response = floor.visit_create(request)
    assert response.status_code == 201
    assert response["Content-Length"] == str(len(response.content))
    by_floor = json.loads(response.content)["id"]
    product = visit_record(
        agent=agent,
        site_id=site.pk,
        channel=body["channel"],
        requests=[RequestInput(**r) for r in desk.VISIT_REQUESTS],
    )
    assert written(by_floor) == written(product.object.pk)
    assert len(written(by_floor)[5]) == 1  # the request « à revoir »
