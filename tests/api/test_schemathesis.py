"""schemathesis over the whole OpenAPI document: every operation, generated inputs (valid and
invalid), called as a network admin with a write token on a small world with data. No answer
may be a server error, and every status must be one the document declares for the operation.

Bounded: `MAX_EXAMPLES` per operation and phase keeps the run around a minute. Runs in the
suite on SQLite and on PostgreSQL (`DATABASE_URL=postgres://… pytest tests/api`)."""

import datetime
import json

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

from maillon.accounts.enums import Role, TokenScope
from maillon.accounts.services import api_token_create
from maillon.activity import services as activity
from maillon.api.urls import api
from maillon.network.models import NetworkMembership
from tests.activity.factories import record_visit
from tests.factories import MembershipFactory, NetworkFactory, OrganisationFactory, SiteFactory

MAX_EXAMPLES = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]


@pytest.fixture
def world(db):
    """A network with two organisations and three sites, an agent's activity, and the network
    admin's write token."""
    network = NetworkFactory()
    sites = []
    for _ in range(2):
        organisation = OrganisationFactory()
        NetworkMembership.objects.create(network=network, organisation=organisation)
        sites.append(SiteFactory(organisation=organisation))
    sites.append(SiteFactory(organisation=sites[0].organisation))
    agent = MembershipFactory(role=Role.AGENT, site=sites[0]).user
    day = datetime.date(2026, 3, 10)
    for hour in (9, 10, 11):
        record_visit(  # as the agent did that day: not a late entry
            agent,
            sites[0],
            occurred_at=datetime.datetime(2026, 3, 10, hour, tzinfo=datetime.UTC),
            requests=[activity.RequestInput(theme="famille", partner="caf")],
        )
    activity.outreach_record(agent=agent, site_id=sites[0].pk, day=day, place="domicile")
    activity.workshop_record(
        agent=agent,
        site_id=sites[0].pk,
        day=day,
        theme="numerique",
        title="Atelier",
        participants=6,
    )
    admin = MembershipFactory(network_admin=True, network=network).user
    _token, raw = api_token_create(user=admin, name="schemathesis", scope=TokenScope.WRITE)
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def wsgi_in_this_transaction(settings):
    """Django's own WSGI handler runs in this thread and this test's transaction: like the test
    client, the request signals must not close the connection holding it."""
    settings.MAILLON_PUBLIC_API_RATE = ""  # the rate limit would answer 429 to the generator
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# the document as served at /api/openapi.json (built without the database), called in-process
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
schema.app = WSGIHandler()
schema.location = "/api/openapi.json"


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_generated_call_without_a_server_error(
    case, world, wsgi_in_this_transaction
):
    case.call_and_validate(headers=world, checks=CHECKS)
