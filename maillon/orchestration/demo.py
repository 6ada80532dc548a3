"""The demo: what `maillon demo` loads on top of the reference data.

Each step is idempotent, so the demo can be started again on the same database.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from maillon.accounts.enums import Role
from maillon.accounts.services import superuser_create, user_create_with_membership
from maillon.network.enums import PIMMS_NETWORK_SLUG, OrganisationKind, PartnerKind
from maillon.network.models import (
    Agreement,
    Network,
    NetworkMembership,
    Organisation,
    Partner,
    Site,
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    scope: str


@transaction.atomic
def demo_accounts_create() -> list[DemoAccount]:
    """One account per role, on the PIMMS network and the Narbonne PIMMS (ANCT ids 62, 63)."""
    network, _ = Network.objects.get_or_create(
        slug=PIMMS_NETWORK_SLUG, defaults={"name": "Union nationale des PIMMS"}
    )
    organisation = Organisation.objects.filter(name="PIMMS Médiation du Narbonnais").first()
    if organisation is None:
        organisation = Organisation.objects.create(
            name="PIMMS Médiation du Narbonnais", kind=OrganisationKind.ASSOCIATION
        )
    NetworkMembership.objects.get_or_create(network=network, organisation=organisation)
    Site.objects.filter(fs_id__in=["62", "63"], organisation__isnull=True).update(
        organisation=organisation
    )
    desk_site = (
        Site.objects.filter(fs_id="62").first()
        or Site.objects.filter(organisation=organisation).first()
    )
    caf = Partner.objects.get(code="caf")

    accounts: list[tuple[str, str, Role, dict[str, Any], str]] = [
        ("reseau", "reseau-demo-2020", Role.NETWORK_ADMIN, {"network": network}, network.name),
        (
            "gestionnaire",
            "gestion-demo-2020",
            Role.ORGANISATION_MANAGER,
            {"organisation": organisation},
            organisation.name,
        ),
        ("partenaire", "caf-demo-2020", Role.PARTNER_VIEWER, {"partner": caf}, caf.name),
    ]
    if desk_site is not None:
        accounts.insert(
            2, ("agent", "agent-demo-2020", Role.AGENT, {"site": desk_site}, desk_site.name)
        )
    result = []
    for username, password, role, scope, label in accounts:
        user_create_with_membership(username=username, password=password, role=role, **scope)
        result.append(DemoAccount(username, password, str(Role(role).label), str(label)))
    # the installation's administrator: the only one who enters Django's admin (/admin/)
    admin_password = "admin-demo-2020"  # noqa: S105 (a demo account, printed on start)
    superuser_create(username="admin", password=admin_password)
    result.append(
        DemoAccount(
            "admin", admin_password, gettext("administrateur de l'installation"), gettext("tout")
        )
    )
    return result


# Local partners most PIMMS have a convention with (energy, transport, water, social landlords)
DEMO_LOCAL_PARTNERS = ("edf", "engie", "enedis", "sncf", "veolia", "bailleurs-sociaux")
DEMO_AGREEMENTS_FROM = datetime.date(2020, 1, 1)


@transaction.atomic
def demo_agreements_create() -> int:
    """Conventions of every PIMMS organisation with the national France Services operators and
    the usual local partners, from 2020 (what partner reports and the directory filter read).
    Existing conventions are left alone; returns the number created."""
    network = Network.objects.filter(slug=PIMMS_NETWORK_SLUG).first()
    if network is None:
        return 0
    partners = list(
        Partner.objects.filter(kind=PartnerKind.NATIONAL_OPERATOR)
        | Partner.objects.filter(code__in=DEMO_LOCAL_PARTNERS)
    )
    created = 0
    for organisation in Organisation.objects.in_network(network):
        existing = set(organisation.agreements.values_list("partner_id", flat=True))
        new = [
            Agreement(
                partner=partner,
                organisation=organisation,
                start_date=max(DEMO_AGREEMENTS_FROM, partner.valid_from or DEMO_AGREEMENTS_FROM),
                scope="convention de démonstration",
            )
            for partner in partners
            if partner.pk not in existing
        ]
        Agreement.objects.bulk_create(new)
        created += len(new)
    return created
