"""Reports count final outcomes: the key figures and the partner report show what became of the
follow-ups (final outcomes of those closed in the period, the share still open, the median days
to close) beside the share of defaulted outcomes — on the page, in the XLSX and in the PDF.

On the partner report's network (tests/reports/test_partner_report.py), whose visit of
2024-01-15 at A1 already has a CAF request « à revoir » (F1), the follow-ups are:

| follow-up | visit      | site | partner | closed on  | days | final outcome |
|-----------|------------|------|---------|------------|------|---------------|
| F0        | 2023-12-10 | A1   | CAF     | 2024-01-09 | 30   | résolu        |
| F1        | 2024-01-15 | A1   | CAF     | 2024-01-20 | 5    | résolu        |
| F2        | 2024-02-01 | A1   | CAF     | 2024-02-11 | 10   | rendez-vous   |
| F3        | 2024-02-01 | A1   | CPAM    | 2024-02-04 | 3    | résolu        |
| F4        | 2024-03-01 | A2   | CAF     | open       |      |               |
| F5        | 2024-12-20 | A2   | CAF     | open       |      |               |

2024, every site: closed F0 F1 F2 F3 (résolu 3, rendez-vous 1), median of 3 5 10 30 = 7.5 days;
opened in 2024 F1–F5 = 5, still open 2 (40.0 %). CAF only: closed F0 F1 F2 (résolu 2,
rendez-vous 1), median 10 days; opened F1 F2 F4 F5 = 4, still open 2 (50.0 %)."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from maillon.activity.followups import followup_close
from maillon.activity.models import FollowUp
from maillon.activity.services import visit_record
from maillon.network.models import Site
from maillon.reports.followups import FollowUpOutcomes, _median, followup_outcomes
from maillon.reports.keyfigures import key_figures
from maillon.reports.periods import Period
from maillon.reports.scopes import Scope
from tests.reports.test_partner_report import PARIS, URL, _client, _r, build_network

D = datetime.date
EXTRA = [
    (D(2023, 12, 10), "A1", [_r("caf", "famille", "information", "a-revoir")]),
    (
        D(2024, 2, 1),
        "A1",
        [
            _r("caf", "famille", "information", "a-revoir"),
            _r("cpam", "social-sante", "information", "a-revoir"),
        ],
    ),
    (D(2024, 3, 1), "A2", [_r("caf", "logement", "information", "a-revoir")]),
    (D(2024, 12, 20), "A2", [_r("caf", "famille", "information", "a-revoir")]),
]
# (visit day, partner) → (closed on, final outcome)
CLOSINGS = {
    (D(2023, 12, 10), "caf"): (D(2024, 1, 9), "resolu"),
    (D(2024, 1, 15), "caf"): (D(2024, 1, 20), "resolu"),
    (D(2024, 2, 1), "caf"): (D(2024, 2, 11), "rendez-vous"),
    (D(2024, 2, 1), "cpam"): (D(2024, 2, 4), "resolu"),
}


@pytest.fixture
def world(db):
    world = build_network()
    manager = world["users"]["alpha_manager"]
    for day, site, requests in EXTRA:
        visit_record(
            agent=manager,
            site_id=world["sites"][site].pk,
            requests=requests,
            occurred_at=datetime.datetime.combine(day, datetime.time(10), tzinfo=PARIS),
        )
    for item in FollowUp.objects.select_related("request__visit", "request__partner"):
        key = (item.request.visit.day, item.request.partner.code)
        if key in CLOSINGS:
            closed_on, outcome = CLOSINGS[key]
            followup_close(actor=manager, followup=item, outcome=outcome, closed_on=closed_on)
    assert FollowUp.objects.count() == 6
    return world


def test_the_key_figures_count_the_final_outcomes_of_every_site(world):
    sites = Site.objects.filter(pk__in=[s.pk for s in world["sites"].values()])
    scope = Scope("network", "test", "Réseau", sites)
    figures = key_figures(scope=scope, period=Period.parse("2024"))
    assert figures.follow_ups == FollowUpOutcomes(
        closed=[("Résolu lors du passage", 3), ("Rendez-vous pris chez le partenaire", 1)],
        opened=5,
        still_open=2,
        median_days=Decimal("7.5"),
    )
    assert figures.follow_ups.open_rate == Decimal("40.0")
    january = followup_outcomes(scope=scope, period=Period.parse("2024-01"))
    assert (january.closed, january.opened, january.still_open, january.median_days) == (
        [("Résolu lors du passage", 2)],
        1,
        0,
        Decimal("17.5"),
    )


def test_the_key_figures_page_shows_them_beside_the_defaulted_share(world):
    network = world["alpha"].network_memberships.get().network
    response = _client(world["users"]["network_head"]).get(
        "/rapports/chiffres-cles/", {"perimetre": f"network:{network.slug}", "periode": "2024"}
    )
    html = " ".join(response.content.decode().split())
    assert "Suites à donner : ce qu'elles sont devenues" in html
    assert "Délai médian entre le passage et la clôture (jours)</th><td>7,5" in html
    assert "Issue finale : Rendez-vous pris chez le partenaire</th><td>1" in html
    assert "Part de ces suites encore ouvertes (%)</th><td>40,0" in html


def test_the_partner_report_counts_the_partners_follow_ups_in_each_format(world):
    client = _client(world["users"]["network_head"])
    query = {"partenaire": "caf", "periode": "2024"}
    workbook = load_workbook(io.BytesIO(client.get(URL, {**query, "format": "xlsx"}).content))
    cover = {
        row[0]: row[1]
        for row in workbook["Rapport partenaire"].iter_rows(min_row=3, values_only=True)
    }
    assert cover["Suites à donner ouvertes sur la période"] == 4
    assert cover["Part de ces suites encore ouvertes (%)"] == 50
    assert cover["Suites closes sur la période"] == 3
    assert cover["Délai médian entre le passage et la clôture (jours)"] == 10
    assert cover["Issue finale : Résolu lors du passage"] == 2
    assert cover["Issue finale : Rendez-vous pris chez le partenaire"] == 1
    html = " ".join(client.get(URL, query).content.decode().split())
    assert "Suites closes sur la période</th><td>3" in html
    api = client.get("/api/v1/reports/partner", {"partner": "caf", "period": "2024"}).json()
    assert api["follow_ups"]["median_days_to_close"] == 10.0


@pytest.mark.usefixtures("pdf_rendering")
def test_the_partner_reports_pdf_has_the_follow_ups(world):
    response = _client(world["users"]["network_head"]).get(
        URL, {"partenaire": "caf", "periode": "2024", "format": "pdf"}
    )
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Suites closes sur la période 3" in text
    assert "Délai médian entre le passage et la clôture (jours) 10" in text


@pytest.mark.parametrize(
    ("histogram", "median"),
    [({}, None), ({4: 1}, Decimal("4.0")), ({1: 1, 3: 1}, Decimal("2.0")), ({0: 3, 9: 1}, 0)],
    ids=["empty", "one", "even", "skewed"],
)
def test_the_median_of_a_histogram(histogram, median):
    assert _median(histogram) == median
