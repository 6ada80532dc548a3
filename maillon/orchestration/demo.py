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
from maillon.geo.models import Commune
from maillon.network.enums import PIMMS_NETWORK_SLUG, OrganisationKind, PartnerKind
from maillon.network.models import (
    Agreement,
    Network,
    NetworkMembership,
    Organisation,
    Partner,
    Site,
)
from maillon.network.services import stop_create


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


# Plausible stops for the PIMMS network's buses (ANCT ids), in communes of the territory each one
# serves — demo data, not the buses' real rounds: the place says so.
DEMO_STOP_PLACE = "{place} (arrêt de démonstration)"
DEMO_STOPS = {
    "580": (  # Communauté de communes Roche aux Fées, based in Retiers
        ("35136", "Place de l'Église", "Tu[2,4] 09:00-12:00"),
        ("35167", "Parking de la mairie", "Th[1,3] 09:00-12:00,14:00-16:30"),
        ("35333", "Salle des fêtes", "Fr[-1] 14:00-17:00"),
    ),
    "372": (  # Béthune-Bruay agglomeration, based in Béthune
        ("62014", "Grand-Place", "We 09:00-12:00"),
        ("62473", "Place de la République", "Tu[1,3] 13:30-16:30"),
        ("62516", "Parking du marché", "Fr 09:00-12:00"),
    ),
    "780": (  # Nîmes and its neighbours
        ("30156", "Place de la mairie", "Mo[1,3] 09:00-12:00"),
        ("30060", "Parvis de la médiathèque", "Th[2,4] 14:00-17:00"),
    ),
}


def demo_stops_create() -> int:
    """The demo stops of the PIMMS buses (`DEMO_STOPS`), through the back office's service
    (validated, journaled); a bus that already has stops is left alone. Returns the number
    created."""
    created = 0
    for fs_id, stops in DEMO_STOPS.items():
        bus = Site.objects.filter(fs_id=fs_id).select_related("commune__region").first()
        if bus is None or bus.stops.exists():
            continue
        for code, place, schedule in stops:
            commune = Commune.objects.filter(code=code, kind="COM").first()
            if commune is None:
                continue
            stop_create(
                actor=None,
                site=bus,
                data={
                    "commune": commune,
                    "place": DEMO_STOP_PLACE.format(place=place),
                    "schedule": schedule,
                },
            )
            created += 1
    return created
