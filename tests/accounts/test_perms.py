import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape

from maillon.access.rules import (
    organisations_managed_by,
    organisations_visible_to,
    sites_visible_to,
    sites_writable_by,
)
from maillon.access.sql import writable_site_ids
from maillon.accounts.enums import Role
from maillon.network.models import NetworkMembership
from tests.factories import (
    DEFAULT_PASSWORD,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    PartnerFactory,
    SiteFactory,
    UserFactory,
    agent_of,
    manager_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two organisations of the PIMMS network with two sites each, and one outside it."""
    network = NetworkFactory()
    org_a, org_b, outsider = OrganisationFactory.create_batch(3)
    for org in (org_a, org_b):
        NetworkMembership.objects.create(network=network, organisation=org)
    sites = {
        "a1": SiteFactory(organisation=org_a),
        "a2": SiteFactory(organisation=org_a),
        "b1": SiteFactory(organisation=org_b),
        "x1": SiteFactory(organisation=outsider),
    }
    users = {
        "agent_a1": agent_of(sites["a1"]),
        "manager_a": manager_of(org_a),
        "network_admin": MembershipFactory(role=Role.NETWORK_ADMIN, network=network).user,
        "partner": MembershipFactory(role=Role.PARTNER_VIEWER, partner=PartnerFactory()).user,
        "nobody": UserFactory(),
    }
    return sites, users, {"a": org_a, "b": org_b, "x": outsider}


EXPECTED_SITES = {
    "agent_a1": {"a1"},
    "manager_a": {"a1", "a2"},
    "network_admin": {"a1", "a2", "b1"},
    "partner": set(),
    "nobody": set(),
}


@pytest.mark.parametrize("who", list(EXPECTED_SITES), ids=list(EXPECTED_SITES))
def test_sites_visible_to(world, who):
    sites, users, _orgs = world
    names = {name for name, site in sites.items() if site in sites_visible_to(users[who])}
    assert names == EXPECTED_SITES[who]


@pytest.mark.parametrize("who", list(EXPECTED_SITES), ids=list(EXPECTED_SITES))
def test_site_page_is_404_outside_scope(world, client, who):
    sites, users, _orgs = world
    client.force_login(users[who])
    for name, site in sites.items():
        response = client.get(reverse("network:site_detail", args=[site.pk]))
        assert response.status_code == (200 if name in EXPECTED_SITES[who] else 404), name
    assert client.get(reverse("network:site_detail", args=[999_999])).status_code == 404


def test_organisations_visible_and_managed(world):
    _sites, users, orgs = world
    assert set(organisations_visible_to(users["network_admin"])) == {orgs["a"], orgs["b"]}
    assert set(organisations_managed_by(users["manager_a"])) == {orgs["a"]}
    assert set(organisations_managed_by(users["agent_a1"])) == set()


def test_a_deactivated_membership_or_user_gives_nothing(world):
    sites, users, _orgs = world
    users["manager_a"].memberships.update(is_active=False)
    assert not sites_visible_to(users["manager_a"]).exists()
    users["agent_a1"].is_active = False
    users["agent_a1"].save()
    assert not sites_visible_to(users["agent_a1"]).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("superuser", 200),
        ("network_admin", 302),
        ("manager_a", 302),
        ("agent_a1", 302),
        ("partner", 302),
    ],
    ids=["superuser", "network-admin", "manager", "agent", "partner"],
)
def test_django_admin_is_for_superusers_only(world, client, who, status):
    _sites, users, _orgs = world
    user = users.get(who) or get_user_model().objects.create_superuser("racine", "r@example.org")
    client.force_login(user)
    assert client.get("/admin/").status_code == status
    assert client.get("/admin/network/site/").status_code == status


def test_pages_require_login_except_public_ones(client):
    response = client.get(reverse("network:site_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("directory:home")).status_code == 200
    assert client.get(reverse("accounts:login")).status_code == 200


def test_login_then_home_lists_the_user_sites(world, client):
    sites, users, _orgs = world
    response = client.post(
        reverse("accounts:login"),
        {"username": users["manager_a"].username, "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 302
    page = client.get(reverse("accounts:home")).content.decode()
    assert escape(sites["a1"].name) in page and escape(sites["a2"].name) in page
    assert escape(sites["b1"].name) not in page


def test_login_is_throttled_after_repeated_failures(world, client):
    _sites, users, _orgs = world
    username = users["agent_a1"].username
    for _attempt in range(9):  # AXES_FAILURE_LIMIT is 10; more in test_login_throttle.py
        response = client.post(reverse("accounts:login"), {"username": username, "password": "x"})
        assert "Identifiant ou mot de passe incorrect" in response.content.decode()
    client.post(reverse("accounts:login"), {"username": username, "password": "x"})
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()


@pytest.mark.parametrize("who", list(EXPECTED_SITES), ids=list(EXPECTED_SITES))
def test_the_flat_writable_set_agrees_with_the_sites_queryset(world, who):
    sites, users, _orgs = world
    user = users[who]
    ids = writable_site_ids(user)
    assert ids == set(sites_writable_by(user).values_list("pk", flat=True))
    assert {name for name, site in sites.items() if site.pk in ids} == EXPECTED_SITES[who]


def test_the_flat_writable_set_follows_every_kind_of_membership(world):
    """Agents of a whole organisation, heads of a network, memberships switched off, superusers."""
    sites, users, orgs = world
    whole_org = MembershipFactory(role=Role.AGENT, organisation=orgs["b"], site=None).user
    head = manager_of(orgs["x"])
    network_of_x = NetworkFactory(slug="autre", name="Autre réseau", head=orgs["x"])
    MembershipFactory(user=head, role=Role.NETWORK_ADMIN, network=network_of_x)
    gone = agent_of(sites["a2"])
    gone.memberships.update(is_active=False)
    boss = UserFactory(is_superuser=True)
    for user in (whole_org, head, gone, users["network_admin"], users["manager_a"]):
        assert writable_site_ids(user) == set(
            sites_writable_by(user).values_list("pk", flat=True)
        ), user
    assert writable_site_ids(whole_org) == {sites["b1"].pk}
    assert sites["x1"].pk in writable_site_ids(head)
    assert writable_site_ids(gone) == set()
    assert all(site.pk in writable_site_ids(boss) for site in sites.values())
