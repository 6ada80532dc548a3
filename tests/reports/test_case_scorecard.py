"""The partner scorecard on a small hand-built network, against figures computed by hand.

Network « pimms »: organisation Alpha (A1 in Narbonne, Aude 11; A2 in Montpellier, Hérault 34),
organisation Bêta (B1 in Metz, Moselle 57: Good Friday is a holiday there). CAF has an agreement
with both. Rules: the defaults (first answer within 3 business days). Today: Tue 2025-06-03.
May 2025 holidays: 1, 8 and 29 May (Thursdays). Cases sent at 10:00, Paris time:

| #  | site | to   | sent      | 1st answer (bd) | due   | traité (bd)        | closed, utile   |
|----|------|------|-----------|-----------------|-------|--------------------|-----------------|
| 1  | A1   | CAF  | Mon 05-05 | Wed 05-07 (2)   | 05-09 | 05-07 (2) solved   | 05-12 oui       |
| 2  | A1   | CAF  | Wed 05-07 | Tue 05-13 (3)   | 05-13 | 05-20 (8) n. solv. | 05-21 non       |
| 3  | A2   | CAF  | Mon 05-12 | Mon 05-19 (5)   | 05-15 | 05-19 (5) wrong p. | 05-19 re-routed |
| 4  | A2   | CAF  | Mon 05-26 | — (late)        | 05-30 |                    |                 |
| 5  | B1   | CAF  | Mon 05-19 | Thu 05-22 (3)   | 05-22 | 05-23 (4) solved   | not closed      |
| 6  | B1   | CAF  | Fri 05-30 | — (not yet due) | 06-04 |                    |                 |
| 7  | A1   | CAF  | Mon 05-26 | —               | 05-30 |                    | 05-27 ne sait p.|
| 8  | A1   | CPAM | Tue 05-06 | Wed 05-07 (1)   | 05-09 | 05-07 (1) solved   | 05-09 oui       |
| P1 | A1   | CAF  | Tue 04-01 | Mon 04-07 (4)   | 04-04 | 04-07 (4) solved   | 04-10 oui       |
| P2 | B1   | CAF  | Thu 04-17 | Tue 04-22 (1)   | 04-24 | 04-22 (1) solved   | 04-23 non       |

(P2: Good Friday 18 April is a holiday in Moselle, Easter Monday 21 April everywhere.)

CAF, May 2025: 7 sent; a first answer owed by 5 (6 is not yet due, 7 was closed by the site
before its due day), 3 on time → 60.0 %; first answer [2, 3, 3, 5] → median 3; resolution
[2, 4, 5, 8] → 4.5; rated 3 (1 oui) → 33.3 %; re-routed 1. April: 2 sent, 1 on time of 2 →
50.0 %, medians 2.5 and 2.5, 1 useful of 2 → 50.0 %, none re-routed.
"""

import datetime
import io
import zoneinfo

import pytest
from django.test import Client
from openpyxl import load_workbook

from maillon.accounts.enums import Role
from maillon.cases.enums import CaseAnswer, CaseStatus, ConsentKind, Usefulness
from maillon.cases.models import PERSONAL_FIELDS, Case, CaseMessage
from maillon.geo.models import Commune
from maillon.network.models import Agreement, NetworkMembership, Partner, Site
from maillon.reports.cases import case_scorecard
from maillon.reports.dashboards import dashboard
from maillon.reports.partner import partner_report
from maillon.reports.periods import Period
from maillon.reports.rendering.partner import partner_report_xlsx
from maillon.reports.scopes import scope_get
from tests.factories import (
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    SiteFactory,
    UserFactory,
    manager_of,
)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TODAY = datetime.date(2025, 6, 3)
MAY, APRIL = Period.parse("2025-05"), Period.parse("2025-04")


def _at(month: int, day: int) -> datetime.datetime:
    return datetime.datetime(2025, month, day, 10, tzinfo=PARIS)


# site, partner, sent, first answer, traité, answer, closed, useful
CASES = [
    ("A1", "caf", (5, 5), (5, 7), (5, 7), CaseAnswer.SOLVED, (5, 12), Usefulness.YES),
    ("A1", "caf", (5, 7), (5, 13), (5, 20), CaseAnswer.NOT_SOLVABLE, (5, 21), Usefulness.NO),
    # re-routed: closed by the re-routing with « je ne sais pas », not an agent's rating
    ("A2", "caf", (5, 12), (5, 19), (5, 19), CaseAnswer.WRONG_PARTNER, (5, 19), "unknown"),
    ("A2", "caf", (5, 26), None, None, "", None, ""),
    ("B1", "caf", (5, 19), (5, 22), (5, 23), CaseAnswer.SOLVED, None, ""),
    ("B1", "caf", (5, 30), None, None, "", None, ""),
    ("A1", "caf", (5, 26), None, None, "", (5, 27), Usefulness.UNKNOWN),
    ("A1", "cpam", (5, 6), (5, 7), (5, 7), CaseAnswer.SOLVED, (5, 9), Usefulness.YES),
    ("A1", "caf", (4, 1), (4, 7), (4, 7), CaseAnswer.SOLVED, (4, 10), Usefulness.YES),
    ("B1", "caf", (4, 17), (4, 22), (4, 22), CaseAnswer.SOLVED, (4, 23), Usefulness.NO),
]


def _status(answered, closed) -> str:
    if closed:
        return CaseStatus.CLOSED
    return CaseStatus.ANSWERED if answered else CaseStatus.NEW


def build_world() -> dict:
    network = NetworkFactory()
    alpha = OrganisationFactory(name="PIMMS Alpha")
    beta = OrganisationFactory(name="PIMMS Bêta")
    for organisation in (alpha, beta):
        NetworkMembership.objects.create(network=network, organisation=organisation)
    communes = {c.code: c for c in Commune.objects.filter(code__in=["11262", "34172", "57463"])}
    sites = {
        "A1": SiteFactory(organisation=alpha, name="Alpha Narbonne", commune=communes["11262"]),
        "A2": SiteFactory(organisation=alpha, name="Alpha Montpellier", commune=communes["34172"]),
        "B1": SiteFactory(organisation=beta, name="Bêta Metz", commune=communes["57463"]),
    }
    caf = Partner.objects.get(code="caf")
    for organisation in (alpha, beta):
        Agreement.objects.create(
            partner=caf, organisation=organisation, start_date=datetime.date(2024, 1, 1)
        )
    agent = UserFactory()
    cases = []
    for site, partner, sent, first, answered, answer, closed, useful in CASES:
        case = Case.objects.create(
            site=sites[site],
            partner=Partner.objects.get(code=partner),
            opened_by=agent,
            subject="Dossier bloqué",
            description="Une description qui porte des données personnelles",
            allocataire_number="1234567",
            consent_kind=ConsentKind.ORAL,
            consent_on=_at(*sent).date(),
            status=_status(answered, closed),
            answer=answer,
            useful=useful,
            sent_at=_at(*sent),
            first_answer_at=_at(*first) if first else None,
            last_answer_at=_at(*first) if first else None,
            answered_at=_at(*answered) if answered else None,
            closed_at=_at(*closed) if closed else None,
        )
        CaseMessage.objects.create(case=case, author=agent, side="site", body="Bonjour")
        cases.append(case)
    users = {
        "network_head": MembershipFactory(role=Role.NETWORK_ADMIN, network=network).user,
        "alpha_manager": manager_of(alpha),
    }
    return {"sites": sites, "users": users, "cases": cases}


@pytest.fixture
def world(db):
    return build_world()


def _figures(figures) -> tuple:
    """The figures in the order of the tables (rates as floats, as the API gives them)."""
    data = figures.as_dict()
    return (
        data["sent"],
        data["answer_owed"],
        data["answered_on_time"],
        data["answered_on_time_rate"],
        data["median_first_answer_days"],
        data["median_resolution_days"],
        data["rated"],
        data["useful"],
        data["useful_rate"],
        data["rerouted"],
    )


CAF_MAY = (7, 5, 3, 60.0, 3.0, 4.5, 3, 1, 33.3, 1)
CAF_APRIL = (2, 2, 1, 50.0, 2.5, 2.5, 2, 1, 50.0, 0)


def _caf_report(user=None):
    return partner_report(user=user, partner_code="caf", period=MAY)


def test_the_caf_report_carries_its_scorecard(world, time_machine):
    time_machine.move_to(datetime.datetime(2025, 6, 3, 12, tzinfo=PARIS))
    scorecard = _caf_report(world["users"]["network_head"]).cases
    assert scorecard is not None
    assert _figures(scorecard.total) == CAF_MAY
    assert _figures(scorecard.previous_total) == CAF_APRIL
    # the network is the same three sites here
    assert _figures(scorecard.network) == CAF_MAY
    departments = [
        (row.label, _figures(row.now), row.before.sent) for row in scorecard.by_department
    ]
    assert departments == [
        ("Aude (11)", (3, 2, 2, 100.0, 2.5, 5.0, 3, 1, 33.3, 0), 1),
        ("Moselle (57)", (2, 1, 1, 100.0, 3.0, 4.0, 0, 0, None, 0), 1),
        ("Hérault (34)", (2, 2, 0, 0.0, 5.0, 5.0, 0, 0, None, 1), 0),
    ]
    assert [(row.label, row.now.sent, row.before.sent) for row in scorecard.by_site] == [
        ("Alpha Narbonne", 3, 1),
        ("Bêta Metz", 2, 1),
        ("Alpha Montpellier", 2, 0),
    ]
    # one partner: no table by partner
    assert [code for code, *_rest in scorecard.groupings] == ["departments", "sites"]


def test_a_manager_reads_his_sites_against_the_network(world, time_machine):
    time_machine.move_to(datetime.datetime(2025, 6, 3, 12, tzinfo=PARIS))
    scorecard = _caf_report(world["users"]["alpha_manager"]).cases
    assert (scorecard.total.sent, scorecard.total.answer_owed, scorecard.total.on_time) == (5, 4, 2)
    assert scorecard.network.sent == 7
    assert [row.label for row in scorecard.by_site] == ["Alpha Narbonne", "Alpha Montpellier"]


def test_a_case_becomes_owed_once_its_due_day_has_passed(world):
    """Case 6 (B1, due Wed 06-04) owes its answer from Thursday on."""
    on_due_day = case_scorecard(
        sites=_all_sites(world),
        period=MAY,
        partner=Partner.objects.get(code="caf"),
        today=datetime.date(2025, 6, 4),
    )
    after = case_scorecard(
        sites=_all_sites(world),
        period=MAY,
        partner=Partner.objects.get(code="caf"),
        today=datetime.date(2025, 6, 5),
    )
    assert _figures(on_due_day.total)[:4] == (7, 5, 3, 60.0)
    assert _figures(after.total)[:4] == (7, 6, 3, 50.0)


def _all_sites(world):
    return Site.objects.filter(pk__in=[site.pk for site in world["sites"].values()])


def test_the_dashboard_scores_every_partner(world):
    scope = scope_get(user=world["users"]["network_head"], key="network:pimms")
    board = dashboard(scope=scope, period=MAY)
    assert board.cases is not None
    assert board.cases.total.sent == 8
    names = dict(Partner.objects.filter(code__in=["caf", "cpam"]).values_list("code", "name"))
    assert [(row.label, row.now.sent) for row in board.cases.by_partner] == [
        (names["caf"], 7),
        (names["cpam"], 1),
    ]
    assert [code for code, *_rest in board.cases.groupings] == ["partners", "departments", "sites"]


def test_the_figures_survive_retention(world, time_machine):
    """What retention erases (identifiers, description, messages) is never read."""
    time_machine.move_to(datetime.datetime(2025, 6, 3, 12, tzinfo=PARIS))
    before = _caf_report().cases.as_dict()
    blank = dict.fromkeys(PERSONAL_FIELDS, "")
    Case.objects.update(**blank, erased_at=datetime.datetime(2025, 6, 3, tzinfo=PARIS))
    CaseMessage.objects.all().delete()
    assert _caf_report().cases.as_dict() == before


def test_xlsx_page_and_api_show_the_scorecard(world, client, time_machine):
    time_machine.move_to(datetime.datetime(2025, 6, 3, 12, tzinfo=PARIS))
    head = world["users"]["network_head"]
    workbook = load_workbook(io.BytesIO(partner_report_xlsx(_caf_report(head))))
    summary = list(workbook["Dossiers transmis"].iter_rows(min_row=2, values_only=True))
    assert summary[0] == ("mai 2025", *CAF_MAY[:3], 60.0, 3.0, 4.5, 3, 33.3, 1)
    assert summary[1][1] == 2 and summary[2][1] == 7  # April; the network
    sites = list(workbook["Dossiers par point d'accueil"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in sites] == [
        "Alpha Narbonne",
        "Bêta Metz",
        "Alpha Montpellier",
        "Total",
    ]
    client.force_login(head)
    page = client.get("/rapports/partenaire/", {"partenaire": "caf", "periode": "2025-05"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Dossiers transmis aux partenaires" in html and "Hérault (34)" in html
    api = Client()
    api.force_login(head)
    data = api.get("/api/v1/reports/partner", {"partner": "caf", "period": "2025-05"}).json()
    assert data["cases"]["total"]["sent"] == 7
    assert data["cases"]["total"]["answered_on_time_rate"] == 60.0
    assert data["cases"]["network"]["median_resolution_days"] == 4.5
    scorecard = api.get(
        "/api/v1/reports/cases", {"scope": "network:pimms", "period": "2025-05"}
    ).json()
    partners = next(g for g in scorecard["groupings"] if g["code"] == "partners")
    assert [row["figures"]["sent"] for row in partners["rows"]] == [7, 1]
    assert scorecard["previous_total"]["sent"] == 2


def test_the_scorecard_api_hides_other_scopes(world):
    outsider = Client()
    outsider.force_login(manager_of(OrganisationFactory()))
    answer = outsider.get("/api/v1/reports/cases", {"scope": "network:pimms", "period": "2025"})
    assert answer.status_code == 404
    manager = Client()
    manager.force_login(world["users"]["alpha_manager"])
    site = world["sites"]["B1"]
    assert (
        manager.get("/api/v1/reports/cases", {"scope": f"site:{site.pk}", "period": "2025"})
    ).status_code == 404
    mine = manager.get(
        "/api/v1/reports/cases",
        {"scope": f"site:{world['sites']['A1'].pk}", "period": "2025-05", "partner": "caf"},
    ).json()
    assert mine["total"]["sent"] == 3
    assert [g["code"] for g in mine["groupings"]] == ["departments", "sites"]
