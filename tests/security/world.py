"""The world of the isolation matrix: two networks, three organisations, four sites, two
partners, every kind of object on each side, and one persona per role with what the access
policy lets it read and change — declared here by hand, independently of `access.rules`,
so the matrix compares the code with the policy rather than with itself."""

import datetime
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from maillon.accounts import invitations
from maillon.accounts.enums import Role
from maillon.accounts.services import api_token_create
from maillon.activity.inputs import RequestInput
from maillon.activity.models import FollowUp
from maillon.activity.services import outreach_record, workshop_record
from maillon.cases.enums import ConsentKind
from maillon.cases.services import case_open
from maillon.directory.models import ErrorReport
from maillon.geo.selectors import commune_get
from maillon.labels.enums import FRANCE_SERVICES
from maillon.labels.models import LabelProgramme, Publication
from maillon.network import services
from maillon.network.models import Agreement, Network, NetworkMembership
from tests.activity.factories import record_visit
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnerFactory,
    SiteFactory,
    UserFactory,
    agent_of,
    manager_of,
)
from tests.people.factories import EmployeeFactory


def _case_objects(o: dict, site: str, agent, day: datetime.date) -> None:
    """A desk request not sent yet, and a case sent to the CAF with one attachment."""
    o[f"request_{site}"] = record_visit(agent, o[site]).requests.get(position=0)
    o[f"case_{site}"] = case_open(
        request_id=record_visit(agent, o[site]).requests.get(position=0).pk,
        by=agent,
        subject="Dossier bloqué",
        consent_kind=ConsentKind.ORAL,
        consent_on=day,
        attachments=[SimpleUploadedFile("piece.pdf", b"%PDF-1.4 test")],
    )
    o[f"attachment_{site}"] = o[f"case_{site}"].attachments.get()


@dataclass
class Persona:
    """A role and what the policy grants it (sets of object keys of `World.objects`)."""

    key: str
    user: object | None  # None: anonymous
    logged_in: bool = True  # False for anonymous and for an inactive account
    superuser: bool = False
    networks: set[str] = field(default_factory=set)  # administered networks
    orgs_read: set[str] = field(default_factory=set)
    orgs_manage: set[str] = field(default_factory=set)
    sites_read: set[str] = field(default_factory=set)
    partners: set[str] = field(default_factory=set)  # partner reports it may read
    # the objects tried for this persona: its own scope and a foreign one, per kind of scope
    own: dict[str, str] = field(default_factory=dict)
    foreign: dict[str, str] = field(default_factory=dict)

    @property
    def sites_manage(self) -> set[str]:
        return {site for site, org in SITE_ORG.items() if org in self.orgs_manage}

    @property
    def network_admin(self) -> bool:
        return self.superuser or bool(self.networks)


# distinct names: a leak is a site's name in a page that should not show it
SITE_NAMES = {
    "site_a1": "Lieu Alpha",
    "site_a1b": "Lieu Bravo",
    "site_a2": "Lieu Charlie",
    "site_b": "Lieu Delta",
}
# which organisation carries which site, which network holds which organisation
SITE_ORG = {"site_a1": "org_a1", "site_a1b": "org_a1", "site_a2": "org_a2", "site_b": "org_b"}
ORG_NETWORK = {"org_a1": "network_a", "org_a2": "network_a", "org_b": "network_b"}
# agreements: each site with one partner
SITE_PARTNER = {"site_a1": "partner_p", "site_a1b": "partner_p", "site_a2": "partner_q"}
SITE_PARTNER["site_b"] = "partner_q"


def _partners_of(orgs: set[str]) -> set[str]:
    return {SITE_PARTNER[site] for site, org in SITE_ORG.items() if org in orgs}


@dataclass
class World:
    objects: dict[str, object]  # key → model instance
    personas: list[Persona]
    day: datetime.date

    def scope_of(self, key: str) -> str:
        """The site, organisation, partner or network an object belongs to (its own key for
        those)."""
        return OWNER.get(key, key)


OWNER: dict[str, str] = {}
# the API token of each network's admin: `token_network_a` is revoked by its owner only
TOKEN_OWNERS = {"network_a": "network_admin_a", "network_b": "network_admin_b"}


def build_world() -> World:
    o: dict[str, object] = {}
    o["network_a"] = Network.objects.create(slug="reseau-a", name="Réseau A")
    o["network_b"] = Network.objects.create(slug="reseau-b", name="Réseau B")
    for org, network in ORG_NETWORK.items():
        o[org] = OrganisationFactory(name=f"Structure {org}")
        NetworkMembership.objects.create(network=o[network], organisation=o[org])
    lyon8 = commune_get(code="69388")
    for site, org in SITE_ORG.items():
        o[site] = SiteFactory(
            organisation=o[org],
            name=SITE_NAMES[site],
            commune=lyon8,
            postal_code="69008",
            latitude=lyon8.latitude,
            longitude=lyon8.longitude,
        )
    o["partner_p"] = PartnerFactory(code="partenaire-p", name="Partenaire P")
    o["partner_q"] = PartnerFactory(code="partenaire-q", name="Partenaire Q")
    o["commune"] = lyon8

    superuser = UserFactory(username="superuser", is_superuser=True, is_staff=True)
    head_a = MembershipFactory(role=Role.NETWORK_ADMIN, network=o["network_a"]).user
    head_b = MembershipFactory(role=Role.NETWORK_ADMIN, network=o["network_b"]).user
    manager_a1 = manager_of(o["org_a1"])
    for side, head in (("a", head_a), ("b", head_b)):
        o[f"token_network_{side}"] = api_token_create(user=head, name=f"Jeton {side}")[0]
        OWNER[f"token_network_{side}"] = f"network_{side}"
    day = timezone.localdate()
    programme, _ = LabelProgramme.objects.get_or_create(
        slug=FRANCE_SERVICES, defaults={"name": "France Services"}
    )
    for side in ("a", "b"):
        o[f"publication_{side}"] = Publication.objects.create(
            network=o[f"network_{side}"],
            programme=programme,
            slug=f"liste-{side}",
            title=f"Liste {side}",
            published_on=day,
            labelled_on=day,
        )
        OWNER[f"publication_{side}"] = f"network_{side}"

    givors = commune_get(code="69091")
    for site, org in SITE_ORG.items():
        manager = manager_a1 if org == "org_a1" else manager_of(o[org])
        agent = agent_of(o[site])
        o[f"visit_{site}"] = record_visit(agent, o[site])
        o[f"followup_{site}"] = FollowUp.objects.get(
            request__visit=record_visit(
                agent, o[site], requests=[RequestInput(theme="famille", outcome="a-revoir")]
            )
        )
        o[f"act_{site}"] = outreach_record(
            agent=agent, site_id=o[site].pk, day=day, place="transports"
        ).object
        o[f"workshop_{site}"] = workshop_record(
            agent=agent,
            site_id=o[site].pk,
            day=day,
            theme="numerique",
            title="Atelier",
            participants=5,
        ).object
        o[f"stop_{site}"] = services.stop_create(
            actor=manager,
            site=o[site],
            data={"commune": givors, "place": "Marché", "schedule": "Mo[2,4] 09:00-12:00"},
        )
        o[f"agreement_{site}"] = Agreement.objects.create(
            partner=o[SITE_PARTNER[site]], site=o[site], start_date="2025-01-01"
        )
        o[f"report_{site}"] = ErrorReport.objects.create(
            site=o[site], topic="hours", message="Fermé le mercredi."
        )
        _case_objects(o, site, agent, day)
        for kind in ("visit", "followup", "act", "workshop", "stop", "agreement", "report"):
            OWNER[f"{kind}_{site}"] = site
        for kind in ("request", "case", "attachment"):
            OWNER[f"{kind}_{site}"] = site
    for org in ORG_NETWORK:
        site = next(s for s, owner in SITE_ORG.items() if owner == org)
        manager = manager_a1 if org == "org_a1" else o[org].user_memberships.first().user
        o[f"employee_{org}"] = EmployeeFactory(organisation=o[org])
        o[f"membership_{org}"] = MembershipFactory(role=Role.AGENT, site=o[site])
        o[f"invitation_{org}"] = invitations.invitation_create(
            actor=manager,
            organisation=o[org],
            email=f"invite-{org}@example.org",
            role=Role.AGENT,
            site=o[site],
            accept_url=lambda token: token,
        )
        for kind in ("employee", "membership", "invitation"):
            OWNER[f"{kind}_{org}"] = org

    inactive = manager_of(o["org_a1"])
    inactive.is_active = False
    inactive.save()
    a_orgs = {"org_a1", "org_a2"}
    personas = [
        Persona("anonymous", None, logged_in=False, foreign=_foreign("a")),
        Persona(
            "superuser",
            superuser,
            superuser=True,
            networks={"network_a", "network_b"},
            orgs_read=set(ORG_NETWORK),
            orgs_manage=set(ORG_NETWORK),
            sites_read=set(SITE_ORG),
            partners={"partner_p", "partner_q"},
            foreign=_foreign("b"),
        ),
        _managing(
            "network_admin_a",
            head_a,
            a_orgs,
            networks={"network_a"},
            own=_own("site_a2", "org_a2", "partner_p", "network_a"),
            foreign=_foreign("b"),
        ),
        _managing(
            "network_admin_b",
            head_b,
            {"org_b"},
            networks={"network_b"},
            own=_own("site_b", "org_b", "partner_q", "network_b"),
            foreign=_foreign("a"),
        ),
        _managing(
            "manager_a1",
            manager_a1,
            {"org_a1"},
            own=_own("site_a1b", "org_a1", "partner_p", None),
            foreign={**_foreign("a"), "site": "site_a2", "org": "org_a2", "partner": "partner_q"},
        ),
        _managing(
            "manager_a2",
            o["org_a2"].user_memberships.first().user,
            {"org_a2"},
            own=_own("site_a2", "org_a2", "partner_q", None),
            foreign=_foreign("a"),
        ),
        Persona(
            "agent_site_a1",
            agent_of(o["site_a1"]),
            sites_read={"site_a1"},
            own=_own("site_a1", None, None, None),
            foreign={**_foreign("a"), "site": "site_a1b"},
        ),
        Persona(
            "agent_org_a1",
            MembershipFactory(role=Role.AGENT, organisation=o["org_a1"]).user,
            orgs_read={"org_a1"},
            sites_read={"site_a1", "site_a1b"},
            own=_own("site_a1b", "org_a1", None, None),
            foreign={**_foreign("a"), "site": "site_a2", "org": "org_a2"},
        ),
        Persona(
            "agent_site_a1b",
            agent_of(o["site_a1b"]),
            sites_read={"site_a1b"},
            own=_own("site_a1b", None, None, None),
            foreign=_foreign("a"),
        ),
        Persona(
            "partner_viewer_p",
            MembershipFactory(role=Role.PARTNER_VIEWER, partner=o["partner_p"]).user,
            partners={"partner_p"},
            own=_own(None, None, "partner_p", None),
            foreign=_foreign("a"),
        ),
        Persona(
            "partner_viewer_q",
            MembershipFactory(role=Role.PARTNER_VIEWER, partner=o["partner_q"]).user,
            partners={"partner_q"},
            own=_own(None, None, "partner_q", None),
            foreign=_foreign("a"),
        ),
        Persona("inactive_manager_a1", inactive, logged_in=False, foreign=_foreign("a")),
        Persona("no_membership", UserFactory(), foreign=_foreign("a")),
    ]
    return World(objects=o, personas=personas, day=day)


def _managing(key: str, user, orgs: set[str], *, networks=(), own, foreign) -> Persona:
    """A manager of `orgs` (a network admin manages his networks' organisations): he reads and
    changes them and their sites, and reads the partner reports of their agreements."""
    return Persona(
        key,
        user,
        networks=set(networks),
        orgs_read=set(orgs),
        orgs_manage=set(orgs),
        sites_read={site for site, org in SITE_ORG.items() if org in orgs},
        partners=_partners_of(orgs),
        own=own,
        foreign=foreign,
    )


def _own(site, org, partner, network) -> dict[str, str]:
    kinds = {"site": site, "org": org, "partner": partner, "network": network}
    return {kind: key for kind, key in kinds.items() if key}


def _foreign(side: str) -> dict[str, str]:
    """The objects of side "a" (network A, organisation A1, site A1, partner P) or "b"."""
    if side == "a":
        return _own("site_a1", "org_a1", "partner_p", "network_a")
    return _own("site_b", "org_b", "partner_q", "network_b")
