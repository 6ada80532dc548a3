"""Dashboards: hand-computed figures on a small world, filters, permissions, query count, PDF."""

import datetime
import io
import math
import re
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from maillon.accounts.enums import Role
from maillon.activity import taxonomy
from maillon.activity.services import RequestInput, outreach_record, workshop_record
from maillon.geo.selectors import commune_get
from maillon.network.models import Network, NetworkMembership, Partner
from maillon.reports.dashboards import MAX_RADIUS, Filters, dashboard
from maillon.reports.periods import Period
from maillon.reports.rendering.dashboards import dashboard_charts
from maillon.reports.scopes import scope_get
from maillon.web.reports.views_dashboards import quick_periods
from tests.activity.factories import record_visit
from tests.factories import (
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    PartnerFactory,
    SiteFactory,
    agent_of,
    manager_of,
)

PARIS = datetime.timezone(datetime.timedelta(hours=1))
URL = reverse("reports:dashboard")
NNBSP = "\u202f"


@pytest.fixture(autouse=True)
def _fresh_taxonomies():
    taxonomy.cache_clear()
    yield
    taxonomy.cache_clear()


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=PARIS)


def req(partner="caf", theme="famille", follow_up=False) -> RequestInput:
    return RequestInput(partner=partner, theme=theme, follow_up=follow_up)


@dataclass
class World:
    network: Network
    head: object
    manager_a: object
    agent_a: object
    agent_b: object
    site_a: object
    site_b: object
    site_c: object
    org_a: object


def build_world() -> World:
    """Network: structure A (Lyon 8e) and B (Saint-Étienne); C (Brest) is outside it.

    2025 (the period): site A — 3 March on site (caf/famille + cpam/social-santé),
    4 March by phone (caf/famille), 1 April on site (caf/famille + cpam/social-santé, to follow
    up); site B — 10 March outside the walls (no partner, logement). 2024 (previous): site B,
    one visit on site (caf/famille). Outreach: A 2025 (transports, CAF, 5 people), B 2024
    (domicile, 2 people). Workshop: B April 2025 (numérique, 12 participants).
    Site C has a visit in March 2025 that must never count."""
    network = NetworkFactory()
    org_a = OrganisationFactory(name="PIMMS Lyon")
    org_b = OrganisationFactory(name="PIMMS Saint-Étienne")
    org_c = OrganisationFactory(name="Hors réseau")
    for org in (org_a, org_b):
        NetworkMembership.objects.create(network=network, organisation=org)
    site_a = SiteFactory(
        organisation=org_a,
        name='PIMMS Lyon 8e « États-Unis » & "Mermoz"',
        commune=commune_get(code="69388"),
        latitude=45.734,
        longitude=4.868,
    )
    site_b = SiteFactory(
        organisation=org_b,
        name="PIMMS Saint-Étienne",
        commune=commune_get(code="42218"),
        latitude=45.439,
        longitude=4.387,
    )
    site_c = SiteFactory(organisation=org_c, name="Brest", commune=commune_get(code="29019"))
    agent_a, agent_b, agent_c = agent_of(site_a), agent_of(site_b), agent_of(site_c)
    pair = [req(), req("cpam", "social-sante")]
    record_visit(agent_a, site_a, occurred_at=at("2025-03-03"), requests=pair)
    record_visit(
        agent_a, site_a, occurred_at=at("2025-03-04"), requests=[req()], channel="telephone"
    )
    record_visit(
        agent_a,
        site_a,
        occurred_at=at("2025-04-01"),
        requests=[req(), req("cpam", "social-sante", follow_up=True)],
    )
    record_visit(
        agent_b,
        site_b,
        occurred_at=at("2025-03-10"),
        requests=[req(None, "logement")],
        channel="hors-les-murs",
    )
    record_visit(agent_b, site_b, occurred_at=at("2024-03-11"), requests=[req()])
    record_visit(agent_c, site_c, occurred_at=at("2025-03-03"), requests=pair)
    outreach_record(
        agent=agent_a,
        site_id=site_a.pk,
        day=datetime.date(2025, 3, 20),
        place="transports",
        partner="caf",
        people_reached=5,
    )
    outreach_record(
        agent=agent_b,
        site_id=site_b.pk,
        day=datetime.date(2024, 5, 2),
        place="domicile",
        people_reached=2,
    )
    workshop_record(
        agent=agent_b,
        site_id=site_b.pk,
        day=datetime.date(2025, 4, 15),
        theme="numerique",
        title="Premiers pas sur internet",
        participants=12,
    )
    head = MembershipFactory(role=Role.NETWORK_ADMIN, network=network).user
    return World(network, head, manager_of(org_a), agent_a, agent_b, site_a, site_b, site_c, org_a)


@pytest.fixture
def world(db) -> World:
    return build_world()


def board(world, key="network:pimms", period="2025", user=None, **filters):
    scope = scope_get(user=user or world.head, key=key)
    return dashboard(scope=scope, period=Period.parse(period), filters=Filters(**filters))


def headlines(data) -> dict:
    return {h.code: (h.value, h.previous) for h in data.headlines}


def ids(model, *codes):
    return [model.objects.get(code=code).pk for code in codes]


# -- figures -------------------------------------------------------------------------------


def test_network_headlines_against_the_previous_period(world):
    data = board(world)
    assert headlines(data) == {
        "requests": (6, 1),
        "people_helped": (4, 1),
        "follow_ups": (1, 0),
        "outreach_acts": (1, 1),
        "outreach_people": (5, 2),
        "workshops": (1, 0),
        "workshop_participants": (12, 0),
    }
    assert data.previous == Period.year(2024)
    requests = data.headline("requests")
    assert requests.change == 500 and requests.trend == "up"
    assert data.headline("workshops").change is None and data.headline("workshops").trend == "new"
    assert data.headline("outreach_acts").trend == "flat"


def test_monthly_trend(world):
    data = board(world)
    table = dashboard_charts(data)["trend"].table
    assert [row.label for row in table.rows][:4] == [
        "janv. 2025",
        "févr. 2025",
        "mars 2025",
        "avr. 2025",
    ]
    assert len(table.rows) == 12
    by_month = {row.label: row.values for row in table.rows}
    assert by_month["mars 2025"] == [4, 3]  # requests, people
    assert by_month["avr. 2025"] == [2, 1]
    assert by_month["mai 2025"] == [0, 0]


def test_breakdowns_by_partner_theme_channel(world):
    data = board(world)

    def rows(parts):  # the plain data, and the chart drawn from it says the same
        charts = dashboard_charts(data)
        name = next(n for n in ("partner", "theme", "channel") if getattr(data, f"by_{n}") is parts)
        assert [(r.label, r.values[0]) for r in charts[f"by_{name}"].table.rows] == parts
        return parts

    assert rows(data.by_partner) == [
        (Partner.objects.get(code="caf").name, 3),
        (Partner.objects.get(code="cpam").name, 2),
        ("Sans partenaire", 1),
    ]
    assert rows(data.by_theme) == [
        ("Famille - Scolarité", 3),
        ("Social - Santé", 2),
        ("Logement", 1),
    ]
    assert dict(rows(data.by_channel)) == {"Sur site": 4, "Téléphone": 1, "Hors les murs": 1}


def test_sites_busiest_first_with_circles_sized_by_requests(world):
    data = board(world)
    assert [(s.name, s.requests, s.people) for s in data.top_sites] == [
        (world.site_a.name, 5, 3),
        (world.site_b.name, 1, 1),
    ]
    a, b = data.sites
    assert a.radius == MAX_RADIUS
    # area ∝ requests: radius ∝ √requests
    assert b.radius == pytest.approx(MAX_RADIUS * math.sqrt(1 / 5), abs=0.01)
    assert world.site_c.pk not in [s.pk for s in data.sites]


def test_site_and_organisation_scopes(world):
    site = board(world, key=f"site:{world.site_b.pk}", user=world.agent_b)
    assert headlines(site)["requests"] == (1, 1)
    assert headlines(site)["workshops"] == (1, 0)
    organisation = board(world, key=f"organisation:{world.org_a.pk}", user=world.manager_a)
    assert headlines(organisation)["requests"] == (5, 0)
    assert headlines(organisation)["people_helped"] == (3, 0)
    region = board(world, key="region:84")
    assert headlines(region)["requests"] == (6, 1)
    department = board(world, key="department:42")
    assert headlines(department)["requests"] == (1, 1)


def test_filters_split_what_they_can_and_say_what_they_cannot(world):
    (caf,) = ids(Partner, "caf")
    by_partner = headlines(board(world, partner=caf))
    assert by_partner["requests"] == (3, 1)
    assert by_partner["people_helped"] == (None, None)  # visits are not recorded by partner
    assert by_partner["outreach_acts"] == (1, 0)  # the 2024 act had no partner
    assert by_partner["workshops"] == (None, None)

    from maillon.activity.models import Channel, Theme

    (phone,) = ids(Channel, "telephone")
    by_channel = board(world, channel=phone)
    assert headlines(by_channel)["requests"] == (1, 0)
    assert headlines(by_channel)["people_helped"] == (1, 0)
    assert headlines(by_channel)["outreach_acts"] == (None, None)
    (numerique,) = ids(Theme, "numerique")
    assert headlines(board(world, theme=numerique))["workshops"] == (1, 0)
    assert headlines(board(world, theme=numerique))["requests"] == (0, 0)


def test_a_quarter_and_an_empty_period(world):
    assert headlines(board(world, period="2025-T2"))["requests"] == (2, 4)
    empty = board(world, period="2019")
    assert headlines(empty)["requests"] == (0, 0)
    assert (
        empty.by_partner == [] and dashboard_charts(empty)["trend"].empty and empty.top_sites == []
    )


def test_quick_periods():
    links = dict((label, p.code) for label, p in quick_periods(datetime.date(2026, 5, 14)))
    assert links["L'année dernière"] == "2025"
    assert links["Cette année"] == "2026-01..2026-05"
    assert [code for code in links.values() if "-T" in code] == [
        "2025-T2",
        "2025-T3",
        "2025-T4",
        "2026-T1",
    ]


# -- pages ---------------------------------------------------------------------------------


def test_manager_reads_his_dashboard(client, world):
    client.force_login(world.manager_a)
    response = client.get(URL, {"periode": "2025"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Structure — PIMMS Lyon" in html
    assert "PIMMS Lyon 8e « États-Unis » &amp; &quot;Mermoz&quot;" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in html
    assert "Voir les données" in html and "Télécharger en PDF" in html
    assert re.search(r'<span class="headline-value">5</span>', html)
    # the month inputs show the period of the quick link
    assert 'value="2025-01"' in html and 'value="2025-12"' in html
    # the nav links to the reports home
    assert f'href="{reverse("reports:home")}">Rapports</a>' in html
    ids_ = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids_) == len(set(ids_))


def test_filters_in_the_page(client, world):
    client.force_login(world.head)
    response = client.get(URL, {"periode": "2025", "partenaire": "caf", "canal": "sur-site"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "non ventilé par les filtres choisis" in html
    assert re.search(r'<span class="headline-value">2</span>', html)  # caf on site in 2025


@pytest.mark.parametrize(
    ("who", "key"),
    [
        ("manager_a", "network:pimms"),
        ("manager_a", "site:{site_b}"),
        ("agent_a", "organisation:{org_a}"),
        ("agent_b", "site:{site_a}"),
        ("agent_a", "site:{site_c}"),
        ("head", "site:{site_c}"),
        ("head", "all:"),
    ],
    ids=[
        "manager-network",
        "manager-other-site",
        "agent-organisation",
        "agent-other-site",
        "agent-foreign-site",
        "head-site-outside-network",
        "head-everything",
    ],
)
def test_a_foreign_scope_is_refused_and_nothing_computed(client, world, monkeypatch, who, key):
    def computed(**kwargs):
        raise AssertionError("nothing must be computed")

    monkeypatch.setattr("maillon.web.reports.views_dashboards.dashboard", computed)
    client.force_login(getattr(world, who))
    key = key.format(
        site_a=world.site_a.pk, site_b=world.site_b.pk, site_c=world.site_c.pk, org_a=world.org_a.pk
    )
    response = client.get(URL, {"perimetre": key})
    assert response.status_code == 400
    assert "Périmètre inconnu ou non autorisé pour votre compte." in response.content.decode()


def test_a_reversed_period_is_a_french_400(client, world):
    client.force_login(world.manager_a)
    response = client.get(URL, {"debut": "2025-06", "fin": "2025-01"})
    assert response.status_code == 400
    assert "La période se termine avant de commencer." in response.content.decode()


def test_partner_viewer_and_anonymous_have_no_dashboard(client, world):
    assert client.get(URL).status_code == 302  # to the login page
    viewer = MembershipFactory(role=Role.PARTNER_VIEWER, partner=PartnerFactory()).user
    client.force_login(viewer)
    assert client.get(URL).status_code == 404
    home = client.get("/compte/").content.decode()
    assert f'href="{URL}"' not in home


def _count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(URL, params).status_code == 200
    return len(context.captured_queries)


def test_query_count_does_not_grow_with_the_scope(client, world, django_assert_max_num_queries):
    client.force_login(world.head)
    params = {"perimetre": "network:pimms", "periode": "2025"}
    with django_assert_max_num_queries(26):
        client.get(URL, params)
    before = _count_queries(client, params)
    # ten more sites with activity in the network
    organisation = OrganisationFactory()
    NetworkMembership.objects.create(network=world.network, organisation=organisation)
    for n in range(10):
        site = SiteFactory(organisation=organisation, commune=commune_get(code="69388"))
        record_visit(agent_of(site), site, occurred_at=at(f"2025-0{n % 9 + 1}-02"))
    assert _count_queries(client, params) == before
    client.force_login(world.agent_a)
    with django_assert_max_num_queries(26):
        client.get(URL, {"periode": "2025"})


@pytest.mark.usefixtures("pdf_rendering")
def test_dashboard_as_pdf_has_the_charts(client, world):
    client.force_login(world.head)
    response = client.get(URL, {"perimetre": "network:pimms", "periode": "2025", "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    for expected in (
        "Tableau de bord",
        "Union nationale des PIMMS",
        "Évolution mensuelle",
        "Demandes par partenaire",
        "Demandes par thème",
        "Demandes par canal",
        "Famille - Scolarité",  # a bar label, drawn by the SVG
        "PIMMS Saint-Étienne",
    ):
        assert expected in text, expected
