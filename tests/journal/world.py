"""A small back-office world shared by the back-office, people, journal and invitation tests:
two organisations (A, B) each with a site in a real commune, their managers and agents, and
the network head of a network holding both."""

from dataclasses import dataclass

from maillon.accounts.enums import Role
from maillon.geo.selectors import commune_get
from maillon.network.models import NetworkMembership, Organisation, Site
from tests.factories import (
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    SiteFactory,
    UserFactory,
    agent_of,
    manager_of,
)


@dataclass
class World:
    org_a: Organisation
    org_b: Organisation
    site_a: Site
    site_b: Site
    manager_a: object
    manager_b: object
    agent_a: object
    head: object
    stranger: object


def make_world() -> World:
    network = NetworkFactory()
    lyon8 = commune_get(code="69388")
    saint_etienne = commune_get(code="42218")
    org_a = OrganisationFactory(name="PIMMS Lyon")
    org_b = OrganisationFactory(name="PIMMS Saint-Étienne")
    for org in (org_a, org_b):
        NetworkMembership.objects.create(network=network, organisation=org)
    site_a = SiteFactory(
        organisation=org_a,
        name="PIMMS Lyon 8e",
        postal_code="69008",
        commune=lyon8,
        latitude=lyon8.latitude,
        longitude=lyon8.longitude,
    )
    site_b = SiteFactory(
        organisation=org_b,
        name="PIMMS Saint-Étienne centre",
        postal_code="42000",
        commune=saint_etienne,
    )
    head = MembershipFactory(role=Role.NETWORK_ADMIN, network=network).user
    return World(
        org_a=org_a,
        org_b=org_b,
        site_a=site_a,
        site_b=site_b,
        manager_a=manager_of(org_a),
        manager_b=manager_of(org_b),
        agent_a=agent_of(site_a),
        head=head,
        stranger=UserFactory(),
    )
