"""Permission matrix over every back-office page and endpoint of organisation A's data.

A manager of another organisation, an agent, a user without role get exactly what a missing
id gets: 404. Anonymous visitors are sent to the login page. The network head sees all."""

import pytest
from django.urls import reverse

from maillon.accounts import invitations
from maillon.accounts.enums import Role
from maillon.geo.selectors import commune_get
from maillon.network import services
from maillon.network.models import Agreement, Stop
from tests.factories import MembershipFactory, PartnerFactory
from tests.journal.world import make_world
from tests.people.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

MANAGE = {"manager_a": 200, "head": 200, "manager_b": 404, "agent_a": 404, "stranger": 404}
VIEW = {"manager_a": 200, "head": 200, "manager_b": 404, "agent_a": 200, "stranger": 404}
# a site's agent is not a member of the organisation itself (access.rules)
ORG_VIEW = {**VIEW, "agent_a": 404}
HEAD_ONLY = {"manager_a": 404, "head": 200, "manager_b": 404, "agent_a": 404, "stranger": 404}

# (url name, how to build its args from the objects, expected status by user)
PAGES = [
    ("network:site_detail", lambda o: [o["site"].pk], VIEW),
    ("network:site_edit", lambda o: [o["site"].pk], MANAGE),
    ("network:site_hours", lambda o: [o["site"].pk], MANAGE),
    ("network:stop_list", lambda o: [o["site"].pk], MANAGE),
    ("network:stop_edit", lambda o: [o["site"].pk, o["stop"].pk], MANAGE),
    ("network:agreement_list", lambda o: [o["site"].pk], MANAGE),
    ("network:agreement_edit", lambda o: [o["site"].pk, o["agreement"].pk], MANAGE),
    ("network:site_history", lambda o: [o["site"].pk], MANAGE),
    ("network:organisation_detail", lambda o: [o["org"].pk], ORG_VIEW),
    ("network:organisation_edit", lambda o: [o["org"].pk], MANAGE),
    ("network:organisation_history", lambda o: [o["org"].pk], MANAGE),
    ("network:site_create", lambda o: [o["org"].pk], MANAGE),
    ("people:employee_list", lambda o: [o["org"].pk], MANAGE),
    ("people:employee_detail", lambda o: [o["employee"].pk], MANAGE),
    ("accounts:member_list", lambda o: [o["org"].pk], MANAGE),
    ("network:partner_list", lambda o: [], HEAD_ONLY),
    ("network:partner_create", lambda o: [], HEAD_ONLY),
    ("network:partner_edit", lambda o: [o["partner"].pk], HEAD_ONLY),
    ("journal:journal", lambda o: [], HEAD_ONLY),
    ("journal:export", lambda o: [], HEAD_ONLY),
]
POSTS = [
    ("network:site_hours_preview", lambda o: [o["site"].pk], MANAGE),
    ("network:stop_delete", lambda o: [o["site"].pk, o["stop"].pk], MANAGE),
    ("accounts:membership_deactivate", lambda o: [o["membership"].pk], MANAGE),
    ("accounts:invitation_revoke", lambda o: [o["invitation"].pk], MANAGE),
]
USERS = ["manager_a", "head", "manager_b", "agent_a", "stranger"]


@pytest.fixture
def objects():
    world = make_world()
    givors = commune_get(code="69091")
    stop = services.stop_create(
        actor=world.manager_a,
        site=world.site_a,
        data={"commune": givors, "place": "Marché", "schedule": "Mo[2,4] 09:00-12:00"},
    )
    partner = PartnerFactory(owner=world.head.memberships.get().network)  # the network's own
    agreement = Agreement.objects.create(
        partner=partner, site=world.site_a, start_date="2025-01-01"
    )
    member = MembershipFactory(role=Role.AGENT, site=world.site_a)
    invitation = invitations.invitation_create(
        actor=world.manager_a,
        organisation=world.org_a,
        email="nouvelle@example.org",
        role=Role.AGENT,
        site=world.site_a,
        accept_url=lambda token: token,
    )
    return {
        "world": world,
        "site": world.site_a,
        "org": world.org_a,
        "stop": stop,
        "agreement": agreement,
        "partner": partner,
        "employee": EmployeeFactory(organisation=world.org_a),
        "membership": member,
        "invitation": invitation,
    }


def _cases(pages):
    return [
        pytest.param(name, args, user, expected[user], id=f"{name}-{user}")
        for name, args, expected in pages
        for user in USERS
    ]


@pytest.mark.parametrize(("name", "args", "user", "status"), _cases(PAGES))
def test_get_matrix(client, objects, name, args, user, status):
    client.force_login(getattr(objects["world"], user))
    response = client.get(reverse(name, args=args(objects)))
    assert response.status_code == status


@pytest.mark.parametrize(("name", "args", "user", "status"), _cases(POSTS))
def test_post_matrix(client, objects, name, args, user, status):
    client.force_login(getattr(objects["world"], user))
    response = client.post(reverse(name, args=args(objects)), {"version": 1})
    assert response.status_code in ((200, 302) if status == 200 else (404,))
    if status == 404:
        assert Stop.objects.filter(pk=objects["stop"].pk).exists()
        objects["membership"].refresh_from_db()
        assert objects["membership"].is_active
        objects["invitation"].refresh_from_db()
        assert objects["invitation"].revoked_at is None


@pytest.mark.parametrize(
    ("name", "args"),
    [(name, args) for name, args, _expected in PAGES + POSTS],
    ids=[name for name, _args, _expected in PAGES + POSTS],
)
def test_anonymous_is_sent_to_login(client, objects, name, args):
    response = client.get(reverse(name, args=args(objects)))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "name",
    ["network:site_edit", "network:site_hours", "network:stop_list", "network:site_history"],
)
def test_foreign_site_looks_like_a_missing_one(client, objects, name):
    world = objects["world"]
    client.force_login(world.manager_a)
    foreign = client.get(reverse(name, args=[world.site_b.pk]))
    missing = client.get(reverse(name, args=[999_999]))
    assert foreign.status_code == missing.status_code == 404


def test_foreign_writes_change_nothing(client, objects):
    world = objects["world"]
    client.force_login(world.manager_b)
    before = world.site_a.opening_hours
    response = client.post(
        reverse("network:site_hours", args=[world.site_a.pk]),
        {"version": 1, "mo": "8h-20h", "public_holidays": "closed"},
    )
    assert response.status_code == 404
    world.site_a.refresh_from_db()
    assert world.site_a.opening_hours == before
    response = client.post(
        reverse("people:employee_list", args=[world.org_a.pk]),
        {"first_name": "Intrus", "last_name": "Intrus", "role": "mediator"},
    )
    assert response.status_code == 404


def test_communes_helper_requires_login(client):
    response = client.get(reverse("network:communes"), {"postal_code": "69008"})
    assert response.status_code == 302
