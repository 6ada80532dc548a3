"""axe-core in a real browser on every back-office page: no serious or critical violation."""

import pytest

from maillon.accounts import invitations
from maillon.accounts.enums import Role
from maillon.geo.selectors import commune_get
from maillon.geo.services import geo_import
from maillon.network.models import Agreement, NetworkMembership, Stop
from tests.accessibility import axe_problems
from tests.browser import log_in
from tests.factories import (
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    PartnerFactory,
    SiteFactory,
)
from tests.people.factories import EmployeeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_back_office_pages_pass_axe(page):
    pytest.importorskip("axe_playwright_python")
    geo_import()
    lyon8 = commune_get(code="69388")
    network = NetworkFactory()
    organisation = OrganisationFactory(name="PIMMS Lyon")
    NetworkMembership.objects.create(network=network, organisation=organisation)
    site = SiteFactory(organisation=organisation, name="PIMMS Lyon 8e", commune=lyon8)
    stop = Stop.objects.create(
        site=site, commune=lyon8, place="Marché", schedule="Mo[2,4] 09:00-12:00"
    )
    partner = PartnerFactory(name="Partenaire du réseau", owner=network)
    agreement = Agreement.objects.create(partner=partner, site=site, start_date="2025-01-01")
    employee = EmployeeFactory(organisation=organisation)
    head = MembershipFactory(role=Role.NETWORK_ADMIN, network=network).user
    invitation = invitations.invitation_create(
        actor=head,
        organisation=organisation,
        email="nouvelle@example.org",
        role=Role.AGENT,
        site=site,
        accept_url=lambda token: token,
    )
    token = invitations.invitation_token(invitation)

    page.goto(f"/compte/invitation/{token}/")
    assert axe_problems(page) == [], "invitation"

    log_in(page, head.username)
    urls = [
        f"/reseau/points-d-accueil/{site.pk}/",
        f"/reseau/points-d-accueil/{site.pk}/modifier/",
        f"/reseau/points-d-accueil/{site.pk}/horaires/",
        f"/reseau/points-d-accueil/{site.pk}/arrets/",
        f"/reseau/points-d-accueil/{site.pk}/arrets/{stop.pk}/",
        f"/reseau/points-d-accueil/{site.pk}/conventions/",
        f"/reseau/points-d-accueil/{site.pk}/conventions/{agreement.pk}/",
        f"/reseau/points-d-accueil/{site.pk}/historique/",
        f"/reseau/structures/{organisation.pk}/",
        f"/reseau/structures/{organisation.pk}/modifier/",
        f"/reseau/structures/{organisation.pk}/historique/",
        f"/reseau/structures/{organisation.pk}/nouveau-point/",
        f"/equipes/structures/{organisation.pk}/",
        f"/equipes/salaries/{employee.pk}/",
        f"/compte/structures/{organisation.pk}/membres/",
        "/reseau/structures/",
        "/reseau/partenaires/",
        f"/reseau/partenaires/{partner.pk}/",
        "/journal/",
    ]
    problems = {}
    for url in urls:
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        found = axe_problems(page)
        if found:
            problems[url] = found
    assert problems == {}, "\n".join(f"{u}: {p}" for u, ps in problems.items() for p in ps)
