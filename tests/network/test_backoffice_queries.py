"""List pages of the back-office run a constant number of queries, whatever their length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillon.accounts.enums import Role
from maillon.geo.selectors import commune_get
from maillon.network import services
from maillon.network.models import Agreement
from tests.factories import MembershipFactory, OrganisationFactory, PartnerFactory, SiteFactory
from tests.journal.world import make_world

pytestmark = pytest.mark.django_db


def add_rows(world, count: int) -> None:
    givors = commune_get(code="69091")
    for n in range(count):
        services.stop_create(
            actor=world.manager_a,
            site=world.site_a,
            data={"commune": givors, "place": f"Arrêt {n}", "schedule": "Mo[2,4] 09:00-12:00"},
        )
        partner = PartnerFactory()
        Agreement.objects.create(partner=partner, site=world.site_a, start_date="2025-01-01")
        MembershipFactory(role=Role.AGENT, site=world.site_a)
        SiteFactory(organisation=world.org_a)
        OrganisationFactory()


PAGES = [
    ("network:stop_list", "site", "manager_a"),
    ("network:agreement_list", "site", "manager_a"),
    ("network:site_history", "site", "manager_a"),
    ("network:organisation_detail", "org", "manager_a"),
    ("network:organisation_list", None, "head"),
    ("network:organisation_history", "org", "manager_a"),
    ("accounts:member_list", "org", "manager_a"),
    ("network:partner_list", None, "head"),
    ("journal:journal", None, "head"),
]


@pytest.mark.parametrize(("name", "arg", "user"), PAGES, ids=[p[0] for p in PAGES])
def test_list_pages_query_count_does_not_grow(client, name, arg, user):
    world = make_world()
    client.force_login(getattr(world, user))
    args = {"site": [world.site_a.pk], "org": [world.org_a.pk], None: []}[arg]
    url = reverse(name, args=args)
    counts = []
    for batch in (2, 6):
        add_rows(world, batch)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{name}: {counts}"
