"""The France Services monthly report of a site, against numbers computed by hand.

Site « Alpha Centre » (organisation Alpha, network pimms), March 2024, recorded through the
desk services (a visit of 28 February is outside the month):

- 04/03 sur site, first visit, QPV: CAF famille accompagnement · CPAM social-santé information
- 05/03 téléphone, not a first visit: CAF logement information · EDF énergie-eau médiation
- 12/03 sur site, QPV: numérique accompagnement, no partner
- workshops: 14/03 numérique 8 participants, 21/03 numérique 5, 28/03 social-santé 6
- outreach: 07/03 à domicile 1 person, 08/03 espace public 12 people

Requests: CAF information 1 + accompagnement 1 = 2; CPAM information 1; local partners
(EDF) médiation 1; without partner accompagnement 1 → 5. People: sur site 2 (1 first visit,
2 QPV), téléphone 1 → 3. Workshops 3, 19 participants. Outreach 2 acts, 13 people.
"""

import datetime
import io
import zoneinfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from openpyxl import load_workbook

from maillon.accounts.enums import Role
from maillon.activity import taxonomy
from maillon.activity.services import (
    RequestInput,
    outreach_record,
    visit_record,
    workshop_record,
)
from maillon.network.models import NetworkMembership, Partner
from maillon.reports.monthly import monthly_report
from maillon.reports.periods import Period
from tests.factories import (
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    SiteFactory,
    UserFactory,
    agent_of,
    manager_of,
)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
URL = "/rapports/mensuel/"
API = "/api/v1/reports/monthly"
MARCH = Period.parse("2024-03")


def _at(day: int, month: int = 3) -> datetime.datetime:
    return datetime.datetime(2024, month, day, 10, tzinfo=PARIS)


@pytest.fixture
def world(db):
    taxonomy.cache_clear()
    network = NetworkFactory()
    alpha = OrganisationFactory(name="PIMMS Alpha")
    NetworkMembership.objects.create(network=network, organisation=alpha)
    site = SiteFactory(organisation=alpha, name="Alpha Centre", fs_id="1234")
    other = SiteFactory(name="Ailleurs")
    typist = UserFactory(is_superuser=True)

    def visit(when, requests, **kwargs):
        visit_record(agent=typist, site_id=site.pk, occurred_at=when, requests=requests, **kwargs)

    visit(
        _at(4),
        [
            RequestInput(partner="caf", theme="famille", help_kind="accompagnement"),
            RequestInput(partner="cpam", theme="social-sante", help_kind="information"),
        ],
        first_visit=True,
        qpv_resident=True,
    )
    visit(
        _at(5),
        [
            RequestInput(partner="caf", theme="logement", help_kind="information"),
            RequestInput(partner="edf", theme="energie-eau", help_kind="mediation"),
        ],
        channel="telephone",
        first_visit=False,
    )
    visit(
        _at(12),
        [RequestInput(theme="numerique", help_kind="accompagnement")],
        qpv_resident=True,
    )
    visit(_at(28, month=2), [RequestInput(partner="caf", theme="famille")])
    for day, theme, participants in (
        (14, "numerique", 8),
        (21, "numerique", 5),
        (28, "social-sante", 6),
    ):
        workshop_record(
            agent=typist,
            site_id=site.pk,
            day=datetime.date(2024, 3, day),
            theme=theme,
            title="Atelier",
            participants=participants,
        )
    outreach_record(agent=typist, site_id=site.pk, day=datetime.date(2024, 3, 7), place="domicile")
    outreach_record(
        agent=typist,
        site_id=site.pk,
        day=datetime.date(2024, 3, 8),
        place="espace-public",
        people_reached=12,
    )
    users = {
        "agent": agent_of(site),
        "manager": manager_of(alpha),
        "network_head": MembershipFactory(role=Role.NETWORK_ADMIN, network=network).user,
        "other_agent": agent_of(other),
        "caf_viewer": MembershipFactory(
            role=Role.PARTNER_VIEWER, partner=Partner.objects.get(code="caf")
        ).user,
    }
    return {"site": site, "users": users}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _lines(table) -> dict:
    return {line.label: line.values for line in table.lines}


def test_the_figures_of_the_month(world):
    report = monthly_report(user=world["users"]["agent"], site_id=world["site"].pk, period=MARCH)
    requests = report.requests
    assert requests.columns == (
        "Information",
        "Orientation vers le partenaire",
        "Accompagnement à une démarche (en ligne ou papier)",
        "Mise en relation avec le partenaire",
        "Médiation (litige, échéancier)",
    )
    lines = _lines(requests)
    assert lines["CAF"] == (1, 0, 1, 0, 0)
    assert lines["CPAM"] == (1, 0, 0, 0, 0)
    assert lines["Partenaires locaux et privés"] == (0, 0, 0, 0, 1)
    assert lines["Sans partenaire"] == (0, 0, 1, 0, 0)
    assert "EDF" not in lines  # a local partner, not a national operator
    national = Partner.objects.national_operators().count()
    assert len(requests.lines) == national + 2
    assert requests.grand_total == 5
    assert _lines(report.visits)["Sur site"] == (2, 1, 2)
    assert _lines(report.visits)["Téléphone"] == (1, 0, 0)
    assert report.visits.totals == (3, 1, 2)
    assert _lines(report.workshops)["Numérique"] == (2, 13)
    assert _lines(report.workshops)["Social - Santé"] == (1, 6)
    assert report.workshops.totals == (3, 19)
    assert _lines(report.outreach)["À domicile"] == (1, 1)
    assert _lines(report.outreach)["Sur l'espace public"] == (1, 12)
    assert report.outreach.totals == (2, 13)
    assert report.summary == [
        ("Demandes accompagnées", 5),
        ("Personnes accompagnées", 3),
        ("Ateliers collectifs", 3),
        ("Participants aux ateliers", 19),
        ("Actes de médiation sortante", 2),
    ]


def test_xlsx_read_back(world):
    response = _client(world["users"]["manager"]).get(
        URL, {"point_accueil": world["site"].pk, "periode": "2024-03", "format": "xlsx"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="rapport-mensuel-{world["site"].pk}-2024-03.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Rapport mensuel France Services",
        "Demandes",
        "Personnes accompagnées",
        "Ateliers",
        "Médiation sortante",
    ]
    cover = {r[0]: r[1] for r in workbook.worksheets[0].iter_rows(min_row=3, values_only=True)}
    assert cover["Point d'accueil"] == "Alpha Centre"
    assert cover["Identifiant France Services"] == "1234"
    assert cover["Période"] == "mars 2024"
    assert cover["Demandes accompagnées"] == 5
    assert cover["Participants aux ateliers"] == 19
    requests = workbook["Demandes"]
    assert requests.freeze_panes == "A2"
    rows = {r[0]: r[1:] for r in requests.iter_rows(min_row=2, values_only=True)}
    assert rows["CAF"] == (1, 0, 1, 0, 0, 2)
    assert rows["Total"] == (2, 0, 2, 0, 1, 5)
    visits = list(workbook["Personnes accompagnées"].iter_rows(values_only=True))
    assert visits[0] == (
        "Canal",
        "Personnes accompagnées",
        "dont première visite",
        "dont habitants QPV",
    )
    assert visits[-1] == ("Total", 3, 1, 2)
    workshops = list(workbook["Ateliers"].iter_rows(values_only=True))
    assert workshops[-1] == ("Total", 3, 19)


def test_csv_for_excel_one_figure_per_line(world):
    response = _client(world["users"]["network_head"]).get(
        URL, {"point_accueil": world["site"].pk, "periode": "2024-03", "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeffpoint_accueil;id_france_services;periode;rubrique;")
    lines = content.lstrip("\ufeff").splitlines()
    assert (
        "Alpha Centre;1234;2024-03;Ateliers collectifs par thème;Numérique;Participants;13" in lines
    )
    assert (
        "Alpha Centre;1234;2024-03;Demandes par opérateur et aide apportée;Sans partenaire;"
        "Accompagnement à une démarche (en ligne ou papier);1"
    ) in lines
    requests = [int(line.rsplit(";", 1)[1]) for line in lines if ";Demandes par opérateur" in line]
    assert sum(requests) == 5


def test_the_page_shows_the_tables(world):
    response = _client(world["users"]["agent"]).get(URL, {"debut": "2024-03"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alpha Centre — mars 2024" in html
    assert "Médiation sortante par lieu" in html
    assert "format=csv" in html and "format=xlsx" in html


MATRIX = [
    ("agent", 200),
    ("manager", 200),
    ("network_head", 200),
    ("other_agent", 404),
    ("caf_viewer", 404),
]


@pytest.mark.parametrize(("who", "status"), MATRIX, ids=[who for who, _s in MATRIX])
def test_permission_matrix_page_and_api(world, who, status):
    client = _client(world["users"][who])
    site = world["site"].pk
    page = client.get(URL, {"point_accueil": site, "periode": "2024-03", "format": "csv"})
    assert page.status_code == status
    api = client.get(API, {"site": site, "period": "2024-03"})
    assert api.status_code == status
    if status == 404:
        assert "text/csv" not in page["Content-Type"]
        assert api.json()["detail"] == "Point d'accueil inconnu ou non autorisé."


def test_anonymous(world):
    client = Client()
    page = client.get(URL, {"point_accueil": world["site"].pk, "periode": "2024-03"})
    assert page.status_code == 302
    assert client.get(API, {"site": world["site"].pk, "period": "2024-03"}).status_code == 401


def test_bad_period_gets_a_french_message(world):
    client = _client(world["users"]["agent"])
    page = client.get(URL, {"point_accueil": world["site"].pk, "periode": "2024-13"})
    assert page.status_code == 400
    assert "non reconnue" in page.content.decode()
    api = client.get(API, {"site": world["site"].pk, "period": "2024-05..2024-03"})
    assert api.status_code == 422
    assert api.json()["detail"][0]["msg"] == "La période se termine avant de commencer."


def test_api_has_the_numbers_of_the_xlsx(world):
    data = (
        _client(world["users"]["agent"])
        .get(API, {"site": world["site"].pk, "period": "2024-03"})
        .json()
    )
    assert data["site"] == {"id": world["site"].pk, "name": "Alpha Centre", "fs_id": "1234"}
    tables = {t["code"]: t for t in data["tables"]}
    caf = next(r for r in tables["requests"]["rows"] if r["label"] == "CAF")
    assert (caf["values"], caf["total"]) == ([1, 0, 1, 0, 0], 2)
    assert tables["visits"]["totals"] == [3, 1, 2]
    assert tables["workshops"]["totals"] == [3, 19]
    assert tables["outreach"]["totals"] == [2, 13]


def test_command_line_export(world, tmp_path):
    output = tmp_path / "mars.csv"
    call_command(
        "export_monthly_report",
        site=world["site"].pk,
        period="2024-03",
        format="csv",
        output=output,
    )
    assert output.read_bytes().startswith("\ufeffpoint_accueil;".encode())
    with pytest.raises(CommandError, match="Période « mars 2024 » non reconnue"):
        call_command("export_monthly_report", site=world["site"].pk, period="mars 2024")
    # the selector's NotFound becomes the command's error, with its French message
    with pytest.raises(CommandError, match="Point d'accueil 999999 inconnu"):
        call_command("export_monthly_report", site=999999, period="2024-03")
