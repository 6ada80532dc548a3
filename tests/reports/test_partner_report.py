"""The partner report on a small hand-built network, against numbers computed by hand.

Network « pimms »: organisation Alpha (sites A1, A2) and organisation Bêta (site B1).
Agreements: CAF ↔ Alpha (all its sites) since 2023-01-01; CAF ↔ B1 from 2024-07-01;
EDF ↔ A1 since 2024-01-01; CPAM has none. Visits recorded through the desk service:

| day        | site | requests (partner theme help outcome)                                   |
|------------|------|-------------------------------------------------------------------------|
| 2023-01-20 | A1   | CAF famille information résolu                                          |
| 2023-05-02 | A2   | CAF famille information résolu · CAF logement information résolu       |
| 2024-01-15 | A1   | CAF famille accompagnement résolu · CAF logement information à revoir   |
|            |      | · EDF énergie-eau médiation résolu                                      |
| 2024-03-10 | A1   | CAF famille information résolu                                          |
| 2024-03-20 | A2   | CAF social-santé orientation réorienté · CPAM social-santé information  |
| 2024-09-05 | B1   | CAF famille accompagnement résolu (téléphone)                           |
| 2024-09-06 | B1   | CAF logement accompagnement résolu                                      |

CAF, 2024 (previous: 2023): A1 3 (1), A2 1 (2), B1 2 (0) → 6 (3), +100 %; network average
6 / 3 sites = 2.0. Themes: famille 3 (2), social-santé 1 (0), logement 2 (1). Help: information
2 (3), orientation 1, accompagnement 3. Outcomes: résolu 4 (3), à revoir 1, réorienté 1.
"""

import datetime
import io
import zoneinfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from maillon.accounts.enums import Role
from maillon.activity import taxonomy
from maillon.activity.services import RequestInput, visit_record
from maillon.network.models import Agreement, NetworkMembership, Partner
from maillon.reports.partner import partner_report
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
URL = "/rapports/partenaire/"
API = "/api/v1/reports/partner"


def _r(partner, theme, help_kind, outcome="resolu"):
    return RequestInput(partner=partner, theme=theme, help_kind=help_kind, outcome=outcome)


VISITS = [
    (datetime.date(2023, 1, 20), "A1", "sur-site", [_r("caf", "famille", "information")]),
    (
        datetime.date(2023, 5, 2),
        "A2",
        "sur-site",
        [_r("caf", "famille", "information"), _r("caf", "logement", "information")],
    ),
    (
        datetime.date(2024, 1, 15),
        "A1",
        "sur-site",
        [
            _r("caf", "famille", "accompagnement"),
            _r("caf", "logement", "information", "a-revoir"),
            _r("edf", "energie-eau", "mediation"),
        ],
    ),
    (datetime.date(2024, 3, 10), "A1", "sur-site", [_r("caf", "famille", "information")]),
    (
        datetime.date(2024, 3, 20),
        "A2",
        "sur-site",
        [
            _r("caf", "social-sante", "orientation", "reoriente"),
            _r("cpam", "social-sante", "information"),
        ],
    ),
    (datetime.date(2024, 9, 5), "B1", "telephone", [_r("caf", "famille", "accompagnement")]),
    (datetime.date(2024, 9, 6), "B1", "sur-site", [_r("caf", "logement", "accompagnement")]),
]


def build_network() -> dict:
    """The fixture of the module docstring; returns its sites and users by name."""
    taxonomy.cache_clear()
    network = NetworkFactory()
    alpha = OrganisationFactory(name="PIMMS Alpha")
    beta = OrganisationFactory(name="PIMMS Bêta")
    for organisation in (alpha, beta):
        NetworkMembership.objects.create(network=network, organisation=organisation)
    sites = {
        "A1": SiteFactory(organisation=alpha, name="Alpha Centre"),
        "A2": SiteFactory(organisation=alpha, name="Alpha Gare"),
        "B1": SiteFactory(organisation=beta, name="Bêta Bourg"),
    }
    caf, edf = Partner.objects.get(code="caf"), Partner.objects.get(code="edf")
    Agreement.objects.create(partner=caf, organisation=alpha, start_date=datetime.date(2023, 1, 1))
    Agreement.objects.create(partner=caf, site=sites["B1"], start_date=datetime.date(2024, 7, 1))
    Agreement.objects.create(partner=edf, site=sites["A1"], start_date=datetime.date(2024, 1, 1))
    typist = UserFactory(is_superuser=True)
    for day, site, channel, requests in VISITS:
        visit_record(
            agent=typist,
            site_id=sites[site].pk,
            requests=requests,
            channel=channel,
            occurred_at=datetime.datetime.combine(day, datetime.time(10), tzinfo=PARIS),
        )
    users = {
        "caf_viewer": MembershipFactory(role=Role.PARTNER_VIEWER, partner=caf).user,
        "edf_viewer": MembershipFactory(role=Role.PARTNER_VIEWER, partner=edf).user,
        "network_head": MembershipFactory(role=Role.NETWORK_ADMIN, network=network).user,
        "alpha_manager": manager_of(alpha),
        "agent": agent_of(sites["A1"]),
    }
    return {"sites": sites, "users": users, "alpha": alpha, "beta": beta}


@pytest.fixture
def world(db):
    return build_network()


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _rows(breakdown):
    return [(row.label, row.requests, row.previous) for row in breakdown.rows]


# -- the numbers ---------------------------------------------------------------------------


def test_network_head_reads_every_figure_of_the_caf_report(world):
    report = partner_report(
        user=world["users"]["network_head"], partner_code="caf", period=Period.parse("2024")
    )
    assert report.previous_period == Period.parse("2023")
    assert _rows(report.by_site) == [
        ("Alpha Centre", 3, 1),
        ("Alpha Gare", 1, 2),
        ("Bêta Bourg", 2, 0),
    ]
    assert (report.total, report.previous_total, report.change) == (6, 3, 1.0)
    assert report.network_sites == 3
    assert report.network_average == 2.0
    months = {row.label: (row.requests, row.previous) for row in report.by_month.rows}
    assert len(months) == 12
    assert months["2024-01"] == (2, 1)
    assert months["2024-03"] == (2, 0)
    assert months["2024-05"] == (0, 2)
    assert months["2024-09"] == (2, 0)
    assert _rows(report.by_theme) == [
        ("Famille - Scolarité", 3, 2),
        ("Social - Santé", 1, 0),
        ("Logement", 2, 1),
    ]
    assert _rows(report.by_help) == [
        ("Information", 2, 3),
        ("Orientation vers le partenaire", 1, 0),
        ("Accompagnement à une démarche (en ligne ou papier)", 3, 0),
    ]
    assert _rows(report.by_outcome) == [
        ("Résolu lors du passage", 4, 3),
        ("À revoir", 1, 0),
        ("Réorienté vers une structure ou un partenaire", 1, 0),
    ]


def test_a_manager_reads_his_sites_against_the_network_average(world):
    report = partner_report(
        user=world["users"]["alpha_manager"], partner_code="caf", period=Period.parse("2024")
    )
    assert _rows(report.by_site) == [("Alpha Centre", 3, 1), ("Alpha Gare", 1, 2)]
    assert (report.total, report.previous_total) == (4, 3)
    assert report.average_per_site == 2.0
    assert report.network_average == 2.0  # 6 requests over the 3 sites of the network


def test_a_site_is_in_the_report_only_when_an_agreement_overlaps_the_period(world):
    first_half = partner_report(
        user=None, partner_code="caf", period=Period.parse("2024-01..2024-06")
    )
    assert [row.label for row in first_half.by_site.rows] == ["Alpha Centre", "Alpha Gare"]
    edf = partner_report(
        user=world["users"]["edf_viewer"], partner_code="edf", period=Period.parse("2024")
    )
    assert _rows(edf.by_site) == [("Alpha Centre", 1, 0)]
    assert _rows(edf.by_theme) == [("Énergie - Eau", 1, 0)]


# -- the documents -------------------------------------------------------------------------


def test_xlsx_read_back_has_the_same_numbers(world):
    response = _client(world["users"]["caf_viewer"]).get(
        URL, {"partenaire": "caf", "periode": "2024", "format": "xlsx"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="rapport-caf-2024.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Rapport partenaire",
        "Par point d'accueil",
        "Par mois",
        "Par thème",
        "Par aide apportée",
        "Par issue",
        # the scorecard of the cases sent to the partner (none here: its summary only)
        "Dossiers transmis",
    ]
    cover = {
        row[0]: row[1]
        for row in workbook["Rapport partenaire"].iter_rows(min_row=3, values_only=True)
    }
    assert cover["Partenaire"] == "Caisse d'allocations familiales"
    assert cover["Période"] == "année 2024"
    assert cover["Période de comparaison"] == "année 2023"
    assert cover["Périmètre"] == "ensemble des points d'accueil sous convention"
    assert cover["Demandes"] == 6
    assert cover["Demandes de la période précédente"] == 3
    assert cover["Moyenne du réseau par point d'accueil"] == 2.0
    assert cover["Sources"] == "cumuls quotidiens Maillon"
    sites = workbook["Par point d'accueil"]
    assert sites.freeze_panes == "A2"
    assert [list(row) for row in sites.iter_rows(values_only=True)] == [
        [
            "Point d'accueil",
            "Structure",
            "Commune",
            "Demandes",
            "Période précédente",
            "Évolution",
            "Moyenne du réseau",
            "Écart à la moyenne du réseau",
        ],
        ["Alpha Centre", "PIMMS Alpha", None, 3, 1, 2.0, 2.0, 0.5],
        ["Alpha Gare", "PIMMS Alpha", None, 1, 2, -0.5, 2.0, -0.5],
        ["Bêta Bourg", "PIMMS Bêta", None, 2, 0, None, 2.0, 0.0],
        ["Total", None, None, 6, 3, 1.0, None, None],
    ]
    assert sites["D2"].number_format == "#,##0"
    assert sites["F2"].number_format.startswith("+0.0%")
    assert sites.column_dimensions["A"].width == 40
    months = list(workbook["Par mois"].iter_rows(min_row=2, values_only=True))
    assert months[0][0] == datetime.datetime(2024, 1, 1)
    assert [row[1:3] for row in months[:-1]] == [
        (2, 1),
        (0, 0),
        (2, 0),
        (0, 0),
        (0, 2),
        (0, 0),
        (0, 0),
        (0, 0),
        (2, 0),
        (0, 0),
        (0, 0),
        (0, 0),
    ]
    themes = list(workbook["Par thème"].iter_rows(min_row=2, values_only=True))
    assert [row[:2] + row[3:] for row in themes] == [
        ("Famille - Scolarité", 3, 2, 0.5),
        ("Social - Santé", 1, 0, None),
        ("Logement", 2, 1, 1.0),
        ("Total", 6, 3, 1.0),
    ]
    assert [row[2] for row in themes] == pytest.approx([0.5, 1 / 6, 1 / 3, 1])
    outcomes = list(workbook["Par issue"].iter_rows(min_row=2, values_only=True))
    assert [row[:2] for row in outcomes] == [
        ("Résolu lors du passage", 4),
        ("À revoir", 1),
        ("Réorienté vers une structure ou un partenaire", 1),
        ("Total", 6),
    ]


@pytest.mark.usefixtures("pdf_rendering")
def test_pdf_text_has_the_numbers_and_the_chart_titles(world):
    response = _client(world["users"]["network_head"]).get(
        URL, {"partenaire": "caf", "periode": "2024", "format": "pdf"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Rapport partenaire — Caisse d'allocations familiales" in text
    assert "Demandes par mois" in text
    assert "Demandes par thème" in text
    assert "PIMMS Alpha 3 1 +200,0 % +50,0 %" in text  # Alpha Centre: 3, was 1, network avg 2
    assert "PIMMS Bêta 2 0 — 0,0 %" in text
    assert "Famille - Scolarité 3 50,0 % 2 +50,0 %" in text
    assert "Résolu lors du passage 4 66,7 % 3 +33,3 %" in text
    assert "Total 6 3 +100,0 %" in text
    assert "cumuls quotidiens Maillon" in text


def test_the_page_previews_the_report_with_its_charts(world):
    response = _client(world["users"]["alpha_manager"]).get(
        URL, {"partenaire": "caf", "periode": "2024"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Demandes par mois" in html and "<svg" in html
    assert "Alpha Centre" in html and "Bêta Bourg" not in html  # the manager's sites only
    assert "format=xlsx" in html and "format=pdf" in html


@pytest.mark.usefixtures("pdf_rendering")
def test_command_line_export(world, tmp_path):
    output = tmp_path / "caf.xlsx"
    call_command(
        "export_partner_report", partner="caf", period="2024", format="xlsx", output=output
    )
    cover = load_workbook(output)["Rapport partenaire"]
    assert {row[0]: row[1] for row in cover.iter_rows(min_row=3, values_only=True)}["Demandes"] == 6
    pdf = tmp_path / "caf.pdf"
    call_command("export_partner_report", partner="caf", period="2024", format="pdf", output=pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError, match="Aucun rapport pour ce partenaire"):
        call_command("export_partner_report", partner="cpam", period="2024", output=output)
    with pytest.raises(CommandError, match="se termine avant de commencer"):
        call_command("export_partner_report", partner="caf", period="2024-05..2024-01")


# -- who may read what -----------------------------------------------------------------------

MATRIX = [
    # user, partner, expected status of the page
    ("caf_viewer", "caf", 200),
    ("caf_viewer", "edf", 404),
    ("edf_viewer", "edf", 200),
    ("edf_viewer", "caf", 404),
    ("network_head", "caf", 200),
    ("network_head", "edf", 200),
    ("network_head", "cpam", 404),  # no agreement
    ("network_head", "inconnu", 404),
    ("alpha_manager", "caf", 200),
    ("alpha_manager", "edf", 200),
    ("agent", "caf", 404),
]


@pytest.mark.parametrize(
    ("who", "partner", "status"), MATRIX, ids=[f"{u}-{p}" for u, p, _s in MATRIX]
)
def test_permission_matrix_page_and_api(world, who, partner, status):
    client = _client(world["users"][who])
    page = client.get(URL, {"partenaire": partner, "periode": "2024", "format": "xlsx"})
    assert page.status_code == status
    api = client.get(API, {"partner": partner, "period": "2024"})
    assert api.status_code == status
    if status == 404:
        assert "spreadsheetml" not in page.get("Content-Type", "")
        if who != "agent":  # an agent has no partner at all: a bare 404
            assert "Aucun rapport pour ce partenaire" in page.content.decode()
        assert "Aucun rapport pour ce partenaire" in api.json()["detail"]


def test_a_manager_of_another_organisation_does_not_see_alpha(world):
    beta_manager = manager_of(world["beta"])
    report = partner_report(user=beta_manager, partner_code="caf", period=Period.parse("2024"))
    assert [row.label for row in report.by_site.rows] == ["Bêta Bourg"]
    response = _client(beta_manager).get(URL, {"partenaire": "edf", "periode": "2024"})
    assert response.status_code == 404  # EDF only funds Alpha Centre


def test_anonymous_is_sent_to_login_and_gets_401_from_the_api(world):
    client = Client()
    response = client.get(URL, {"partenaire": "caf", "periode": "2024", "format": "xlsx"})
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
    assert client.get(API, {"partner": "caf", "period": "2024"}).status_code == 401


def test_a_reversed_period_gets_a_french_message_and_nothing(world):
    client = _client(world["users"]["caf_viewer"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            URL, {"partenaire": "caf", "debut": "2024-06", "fin": "2024-01", "format": "xlsx"}
        )
    assert not [q for q in queries if "rollup" in q["sql"]]  # nothing computed
    assert response.status_code == 400
    assert "La période se termine avant de commencer." in response.content.decode()
    api = client.get(API, {"partner": "caf", "period": "2024-06..2024-01"})
    assert api.status_code == 422
    assert api.json()["detail"][0]["msg"] == "La période se termine avant de commencer."
    bad = client.get(API, {"partner": "caf", "period": "l'an dernier"})
    assert bad.status_code == 422 and "non reconnue" in bad.json()["detail"][0]["msg"]


def test_the_report_reads_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    """Whatever the number of sites: one aggregate per breakdown and period (and one read of
    the cases sent per period and for the network)."""
    with django_assert_max_num_queries(23):
        partner_report(user=None, partner_code="caf", period=Period.parse("2024"))


def test_api_answers_the_numbers_of_the_xlsx(world):
    data = (
        _client(world["users"]["network_head"])
        .get(API, {"partner": "caf", "period": "2024"})
        .json()
    )
    assert data["partner"] == {"code": "caf", "name": "Caisse d'allocations familiales"}
    assert (data["requests"], data["previous_requests"], data["sites"]) == (6, 3, 3)
    assert data["network_average_per_site"] == 2.0
    breakdowns = {b["code"]: b for b in data["breakdowns"]}
    assert [
        (r["label"], r["requests"], r["previous"], r["change"]) for r in breakdowns["sites"]["rows"]
    ] == [
        ("Alpha Centre", 3, 1, 2.0),
        ("Alpha Gare", 1, 2, -0.5),
        ("Bêta Bourg", 2, 0, None),
    ]
    assert [r["requests"] for r in breakdowns["themes"]["rows"]] == [3, 1, 2]
    assert data["source"] == "cumuls quotidiens Maillon"


def test_api_is_in_the_openapi_document(world):
    paths = _client(world["users"]["network_head"]).get("/api/openapi.json").json()["paths"]
    assert "/api/v1/reports/partner" in paths
    assert "/api/v1/reports/monthly" in paths
