"""The site rule, three ways, over random worlds: the ORM queryset (`sites_visible_to`), the flat
SQL of the write path with the memberships as subqueries (grants not read yet) and with the
grants' ids as literals — and a plain-Python reading of the rule as the oracle. Runs on the
database of the session: SQLite, or PostgreSQL with DATABASE_URL."""

from dataclasses import dataclass

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillon.access.rules import grants_of, organisations_visible_to, sites_visible_to
from maillon.access.sql import ALL_SITES, writable_site_ids
from maillon.accounts.enums import Role
from maillon.accounts.models import Membership, User
from maillon.network.models import Network, NetworkMembership, Organisation, Partner, Site

pytestmark = pytest.mark.django_db

ORGANISATIONS, NETWORKS = 4, 2


@dataclass(frozen=True)
class Grant:
    """One membership of the drawn world: a role on a target (indexes into the world)."""

    user: int  # 0 is the user under test, 1 someone else
    role: str
    target: int  # network, organisation or site index (by role)
    whole_organisation: bool  # an agent of the organisation rather than of one site
    with_organisation: bool  # an agent of a site whose membership also names the organisation
    active: bool


@dataclass(frozen=True)
class World:
    site_organisations: tuple[int, ...]  # the organisation index of each site
    in_network: frozenset[tuple[int, int]]  # (network, organisation)
    heads: tuple[int | None, ...]  # the head organisation of each network
    grants: tuple[Grant, ...]
    superuser: bool
    active: bool


grants = st.builds(
    Grant,
    user=st.integers(0, 1),
    role=st.sampled_from([role.value for role in Role]),
    target=st.integers(0, 7),
    whole_organisation=st.booleans(),
    with_organisation=st.booleans(),
    active=st.booleans(),
)
worlds = st.builds(
    World,
    site_organisations=st.lists(st.integers(0, ORGANISATIONS - 1), max_size=8).map(tuple),
    in_network=st.frozensets(
        st.tuples(st.integers(0, NETWORKS - 1), st.integers(0, ORGANISATIONS - 1))
    ),
    heads=st.tuples(*[st.none() | st.integers(0, ORGANISATIONS - 1)] * NETWORKS),
    grants=st.lists(grants, max_size=6).map(tuple),
    superuser=st.booleans(),
    active=st.booleans(),
)


def _build(world: World) -> tuple[User, dict[int, int]]:
    """Create the world; return the user under test and {site index: site pk}."""
    organisations = [Organisation.objects.create(name=f"O{n}") for n in range(ORGANISATIONS)]
    networks = [
        Network.objects.create(
            slug=f"n{n}", name=f"N{n}", head=None if head is None else organisations[head]
        )
        for n, head in enumerate(world.heads)
    ]
    for network, organisation in world.in_network:
        NetworkMembership.objects.create(
            network=networks[network], organisation=organisations[organisation]
        )
    sites = [
        Site.objects.create(organisation=organisations[org], name=f"S{n}", address="1 rue")
        for n, org in enumerate(world.site_organisations)
    ]
    partner = Partner.objects.create(code="p", name="P", kind="local")
    users = [
        User.objects.create(username="u0", is_superuser=world.superuser, is_active=world.active),
        User.objects.create(username="u1"),
    ]
    for grant in world.grants:
        scope = _scope(grant, networks, organisations, sites, partner)
        if scope is not None:
            Membership.objects.create(
                user=users[grant.user], role=grant.role, is_active=grant.active, **scope
            )
    return users[0], {n: site.pk for n, site in enumerate(sites)}


def _scope(grant: Grant, networks, organisations, sites, partner) -> dict | None:
    if grant.role == Role.NETWORK_ADMIN:
        return {"network": networks[grant.target % NETWORKS]}
    if grant.role == Role.PARTNER_VIEWER:
        return {"partner": partner}
    organisation = organisations[grant.target % ORGANISATIONS]
    if grant.role == Role.ORGANISATION_MANAGER or grant.whole_organisation:
        return {"organisation": organisation}
    if not sites:
        return None
    site = sites[grant.target % len(sites)]
    if grant.with_organisation:
        return {"site": site, "organisation": site.organisation}
    return {"site": site}


def _oracle(world: World) -> set[int]:
    """The rule as the module docstring states it, over the drawn world (site indexes)."""
    every = set(range(len(world.site_organisations)))
    if not world.active:
        return set()
    if world.superuser:
        return every
    mine = [grant for grant in world.grants if grant.user == 0 and grant.active]
    n_sites = len(world.site_organisations)
    agent_sites, organisations, members, admin_of = set(), set(), set(), set()
    for grant in mine:
        if grant.role == Role.NETWORK_ADMIN:
            admin_of.add(grant.target % NETWORKS)
        elif grant.role == Role.ORGANISATION_MANAGER or (
            grant.role == Role.AGENT and grant.whole_organisation
        ):
            organisations.add(grant.target % ORGANISATIONS)
            members.add(grant.target % ORGANISATIONS)
        elif grant.role == Role.AGENT and n_sites:
            site = grant.target % n_sites
            agent_sites.add(site)
            if grant.with_organisation:
                members.add(world.site_organisations[site])
    if admin_of:
        organisations |= members
        organisations |= {org for network, org in world.in_network if network in admin_of}
        organisations |= {world.heads[n] for n in admin_of if world.heads[n] is not None}
    return agent_sites | {n for n in every if world.site_organisations[n] in organisations}


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
@given(world=worlds)
def test_the_sql_fast_path_and_the_orm_give_the_same_sites(world):
    with transaction.atomic():
        user, pks = _build(world)
        expected = {pks[n] for n in _oracle(world)}
        fresh = User.objects.get(pk=user.pk)  # no grants read: the membership subqueries
        by_subqueries = writable_site_ids(fresh)
        orm = set(sites_visible_to(fresh).values_list("pk", flat=True))
        grants_of(fresh)
        by_literals = writable_site_ids(fresh)  # grants read: their ids as literals
        transaction.set_rollback(True)
    assert orm == expected
    if world.superuser and world.active:
        assert by_subqueries is ALL_SITES and by_literals is ALL_SITES
    else:
        assert by_subqueries == expected
        assert by_literals == expected


def test_organisations_visible_follow_the_same_grants(django_assert_num_queries):
    organisation = Organisation.objects.create(name="O")
    other = Organisation.objects.create(name="Autre")
    network = Network.objects.create(slug="n", name="N", head=other)
    admin = User.objects.create(username="admin")
    Membership.objects.create(user=admin, role=Role.NETWORK_ADMIN, network=network)
    Membership.objects.create(user=admin, role=Role.ORGANISATION_MANAGER, organisation=organisation)
    admin = User.objects.get(pk=admin.pk)
    with django_assert_num_queries(2):  # the grants once, then the organisations
        assert set(organisations_visible_to(admin)) == {organisation, other}
        assert grants_of(admin).is_network_admin


@pytest.mark.parametrize("name", ["network:site_list", "network:site_detail", "reports:home"])
def test_a_page_reads_the_memberships_once(client, name):
    """Navigation, the page's fetch and its permission checks share the grants of the request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    organisation = Organisation.objects.create(name="O")
    site = Site.objects.create(organisation=organisation, name="S", address="1 rue")
    network = Network.objects.create(slug="n", name="N", head=organisation)
    admin = User.objects.create(username="admin")
    Membership.objects.create(user=admin, role=Role.NETWORK_ADMIN, network=network)
    Membership.objects.create(user=admin, role=Role.AGENT, site=site)
    client.force_login(admin)
    url = reverse(name, kwargs={"pk": site.pk} if name.endswith("detail") else {})
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    table = Membership._meta.db_table
    reads = [q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]]
    assert len(reads) == 1, reads


def test_a_lazy_request_user_forgets_its_grants_when_a_membership_changes():
    """`request.user` is a lazy object: the grants live on the user it forwards to, which
    `User.forget_access` (called on each membership saved) clears."""
    from django.utils.functional import SimpleLazyObject

    network = Network.objects.create(slug="n", name="N")
    user = User.objects.create(username="u")
    lazy = SimpleLazyObject(lambda: user)
    assert not grants_of(lazy).is_network_admin
    membership = Membership.objects.create(user=user, role=Role.NETWORK_ADMIN, network=network)
    assert grants_of(lazy).is_network_admin
    membership.delete()
    assert not grants_of(lazy).is_network_admin
