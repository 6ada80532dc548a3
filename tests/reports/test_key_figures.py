"""Key figures: computed from the rollups on a small hand-built world, declared for 2018."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from maillon.accounts.enums import Role
from maillon.activity.services import RequestInput, outreach_record, workshop_record
from maillon.bench.reports import raw_key_figures
from maillon.geo.selectors import commune_get
from maillon.network.models import Network, NetworkMembership
from maillon.orchestration.importers.pimms import pimms_network_import
from maillon.people.enums import ExitOutcome
from maillon.reports.checks import pdf_rendering_check
from maillon.reports.keyfigures import COMPUTED, DECLARED, key_figures
from maillon.reports.models import DeclaredFigure, FigureScope
from maillon.reports.periods import Period
from maillon.reports.rendering import pdf as pdf_module
from maillon.reports.rendering.block import figure_flags, key_figures_block
from maillon.reports.rendering.pdf import PdfUnavailable
from maillon.reports.scopes import scope_get
from tests.activity.factories import record_visit
from tests.factories import (
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    SiteFactory,
    agent_of,
    manager_of,
)
from tests.people.factories import ContractFactory, EmployeeFactory, ExitFactory

PARIS = datetime.timezone(datetime.timedelta(hours=1))


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=PARIS)


def one(partner="caf", theme="famille"):
    return [RequestInput(partner=partner, theme=theme, help_kind="information")]


def two():
    return [
        RequestInput(partner="caf", theme="famille", help_kind="information"),
        RequestInput(partner="cpam", theme="social-sante", help_kind="information"),
    ]


@dataclass
class World:
    network: Network
    head: object
    manager_a: object
    agent_b: object
    site_a: object
    site_b: object
    org_a: object


@pytest.fixture
def world(db) -> World:
    """Two PIMMS of the network (Lyon 8e, dept 69; Saint-Étienne, dept 42, both in région 84)
    and a structure outside it (Brest), with activity whose totals are computed by hand."""
    network = NetworkFactory()
    org_a = OrganisationFactory(name="PIMMS Lyon")
    org_b = OrganisationFactory(name="PIMMS Saint-Étienne")
    org_c = OrganisationFactory(name="Hors réseau")
    for org in (org_a, org_b):
        NetworkMembership.objects.create(network=network, organisation=org)
    site_a = SiteFactory(
        organisation=org_a, name="PIMMS Lyon 8e", commune=commune_get(code="69388")
    )
    site_b = SiteFactory(
        organisation=org_b, name="PIMMS Saint-Étienne", commune=commune_get(code="42218")
    )
    site_c = SiteFactory(organisation=org_c, name="Brest", commune=commune_get(code="29019"))
    agent_a, agent_b, agent_c = agent_of(site_a), agent_of(site_b), agent_of(site_c)
    # site A: March 2025, 3 visits (2 on site × 2 requests, 1 by phone × 1); April, 1 visit × 2
    record_visit(agent_a, site_a, occurred_at=at("2025-03-03"), requests=two())
    record_visit(agent_a, site_a, occurred_at=at("2025-03-04"), requests=two(), first_visit=True)
    record_visit(agent_a, site_a, occurred_at=at("2025-03-05"), requests=one(), channel="telephone")
    record_visit(agent_a, site_a, occurred_at=at("2025-04-01", 11), requests=two())
    # site B: March 2025, 2 visits outside the walls × 1 request
    for day in ("2025-03-10", "2025-03-11"):
        record_visit(agent_b, site_b, occurred_at=at(day), requests=one(), channel="hors-les-murs")
    # site C (outside the network): must never count
    record_visit(agent_c, site_c, occurred_at=at("2025-03-03"), requests=two())
    day = datetime.date(2025, 3, 20)
    outreach_record(agent=agent_a, site_id=site_a.pk, day=day, place="transports", people_reached=5)
    outreach_record(agent=agent_a, site_id=site_a.pk, day=day, place="domicile", people_reached=2)
    outreach_record(
        agent=agent_b, site_id=site_b.pk, day=day, place="espace-public", people_reached=10
    )
    workshop_record(
        agent=agent_b,
        site_id=site_b.pk,
        day=datetime.date(2025, 4, 15),
        theme="numerique",
        title="Premiers pas sur internet",
        participants=12,
    )
    # staff: 3 employees in the network, 3 exits in 2025 (1 positive, 1 other, 1 unknown)
    e1 = EmployeeFactory(organisation=org_a)
    e1.sites.add(site_a)
    e2 = EmployeeFactory(organisation=org_a)
    e2.sites.add(site_a)
    e3 = EmployeeFactory(organisation=org_b)
    e3.sites.add(site_b)
    for employee in (e1, e2, e3):
        ContractFactory(employee=employee, start_date=datetime.date(2024, 1, 1))
    ExitFactory(
        employee=e1, date=datetime.date(2025, 6, 30), outcome=ExitOutcome.DURABLE_EMPLOYMENT
    )
    ExitFactory(employee=e2, date=datetime.date(2025, 9, 30), outcome=ExitOutcome.UNKNOWN)
    ExitFactory(employee=e3, date=datetime.date(2025, 10, 31), outcome=ExitOutcome.OTHER)
    head = MembershipFactory(role=Role.NETWORK_ADMIN, network=network).user
    return World(network, head, manager_of(org_a), agent_b, site_a, site_b, org_a)


def figures_for(world, key, period, user=None):
    scope = scope_get(user=user or world.head, key=key)
    return key_figures(scope=scope, period=Period.parse(period))


def test_network_year_is_computed_from_the_rollups(world):
    figures = figures_for(world, "network:pimms", "2025")
    assert figures.covered
    values = figures.as_dict()
    assert values["requests"] == 9  # 2 + 2 + 1 + 2 (A) + 1 + 1 (B)
    assert values["people_helped"] == 6
    assert figures["people_helped"].parts == [
        ("Sur site", 3),
        ("Téléphone", 1),
        ("Hors les murs", 2),
    ]
    assert (values["outreach_acts"], values["outreach_people"]) == (3, 17)
    assert (values["workshops"], values["workshop_participants"]) == (1, 12)
    assert values["reception_points"] == 2
    assert values["employees"] == 3
    assert values["mediator_exits"] == 3
    assert values["positive_exit_rate"] == Decimal("50.0")  # 1 positive / 2 known outcomes
    assert values["msap_sites"] is None  # not held as detailed data, nothing declared
    assert all(f.origin == COMPUTED for c, f in figures.figures.items() if c != "msap_sites")


@pytest.mark.parametrize(
    ("key", "period", "requests", "people"),
    [
        ("network:pimms", "2025-T1", 7, 5),
        ("network:pimms", "2025-04", 2, 1),
        ("region:84", "2025", 9, 6),
        ("department:42", "2025", 2, 2),
        ("department:69", "2025-03", 5, 3),
        ("organisation:{org_a}", "2025", 7, 4),
        ("site:{site_b}", "2025-03..2025-04", 2, 2),
        ("network:pimms", "2024", 0, 0),
    ],
)
def test_every_scope_level_and_period(world, key, period, requests, people):
    key = key.format(org_a=world.org_a.pk, site_b=world.site_b.pk)
    figures = figures_for(world, key, period)
    assert (figures.value("requests"), figures.value("people_helped")) == (
        (requests, people) if requests else (None, None)
    )


def test_rollups_give_exactly_the_raw_group_by(world):
    for key in ("network:pimms", "department:42", f"site:{world.site_a.pk}"):
        for period in ("2025", "2025-T1", "2025-04"):
            scope = scope_get(user=world.head, key=key)
            parsed = Period.parse(period)
            computed = key_figures(scope=scope, period=parsed).as_dict()
            raw = raw_key_figures(scope=scope, period=parsed)
            assert {k: computed[k] or 0 for k in raw} == raw, (key, period)


def test_scopes_are_limited_by_role(world):
    from maillon.core.errors import NotFound

    assert figures_for(world, f"organisation:{world.org_a.pk}", "2025", world.manager_a)
    for key in ("network:pimms", "region:84", "department:42", f"site:{world.site_b.pk}"):
        with pytest.raises(NotFound):
            scope_get(user=world.manager_a, key=key)
    assert (
        figures_for(world, f"site:{world.site_b.pk}", "2025", world.agent_b).value("requests") == 2
    )
    with pytest.raises(NotFound):
        scope_get(user=world.agent_b, key=f"organisation:{world.org_a.pk}")


def test_a_declared_figure_that_contradicts_the_data_is_kept_and_flagged(world):
    DeclaredFigure.objects.create(
        indicator="requests",
        label="Demandes 2025 (rapport d'activité)",
        value=100,
        scope_type=FigureScope.NETWORK,
        network=world.network,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        source="Rapport d'activité 2025",
    )
    figures = figures_for(world, "network:pimms", "2025")
    assert figures.value("requests") == 9
    assert len(figure_flags(figures["requests"])) == 1
    assert "Rapport d'activité 2025" in figure_flags(figures["requests"])[0]
    assert DeclaredFigure.objects.get(source="Rapport d'activité 2025").value == 100


def normalise(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


# The 2018 block of the press release of 25 November 2019, as Maillon words it: the same figures
# in the same order (the label count is taken on 1 January 2020, the date the release announced).
BLOCK_2018 = [
    "**66 points d'accueil au public**",
    "**53** reconnus **Maisons de services au public**",
    "**33** labellisés « France Services » au 1er janvier 2020",
    "**1 829 881 demandes accompagnées** par an au sein des points d'accueil",
    "**Plus de 943 000 personnes accompagnées**",
    "**968 ateliers thématiques collectifs** menés pour plus de 18 000 personnes",
    "**450 salariés**",
    "**201 médiateurs** ont quitté le dispositif en 2018 avec un taux de sorties positives de "
    "64 % (vers emploi ou vers une formation qualifiante)",
]


@pytest.fixture
def pimms(db):
    pimms_network_import()
    head = MembershipFactory(
        role=Role.NETWORK_ADMIN, network=Network.objects.get(slug="pimms")
    ).user
    return head


def block_2018(head):
    scope = scope_get(user=head, key="network:pimms")
    figures = key_figures(
        scope=scope, period=Period.year(2018), labelled_on=datetime.date(2020, 1, 1)
    )
    return figures, key_figures_block(figures)


def test_the_2018_block_of_the_first_press_release_is_rendered_from_declared_data(pimms):
    figures, block = block_2018(pimms)
    assert not figures.covered
    assert figures["requests"].origin == DECLARED
    assert figures["fs_sites"].origin == COMPUTED  # from the label history
    markdown = block.markdown()
    lines = [normalise(line[2:]) for line in markdown.splitlines() if line.startswith("- **")]
    assert lines == [normalise(line) for line in BLOCK_2018]
    assert markdown.startswith("Chiffres clés (données 2018) :")
    assert "Communiqué de presse de l'Union nationale des PIMMS du 25 novembre 2019" in markdown
    # "plus de deux millions de demandes" in the same release contradicts 1 829 881
    assert any("deux millions" in flag for flag in figure_flags(figures["requests"]))


@pytest.mark.usefixtures("pdf_rendering")
def test_the_key_figures_page_downloads_markdown_and_pdf(pimms, client):
    client.force_login(pimms)
    url = "/rapports/chiffres-cles/?perimetre=network:pimms&periode=2018&label_au=2020-01-01"
    page = client.get(url)
    assert page.status_code == 200
    html = normalise(page.content.decode())
    assert "<strong>1 829 881 demandes accompagnées</strong>" in html
    assert "Incohérences relevées" in html
    markdown = client.get(url + "&format=md")
    assert markdown["Content-Disposition"].endswith('.md"')
    assert normalise(BLOCK_2018[3]) in normalise(markdown.content.decode())
    pdf = client.get(url + "&format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = normalise(" ".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages))
    for line in BLOCK_2018:
        assert normalise(line.replace("**", "")) in text


def test_bad_input_gets_a_french_error_and_nothing_computed(world, client):
    client.force_login(world.head)
    reversed_period = client.get(
        "/rapports/chiffres-cles/?perimetre=network:pimms&debut=2025-06&fin=2025-01"
    )
    assert reversed_period.status_code == 400
    assert "La période se termine avant de commencer." in reversed_period.content.decode()
    client.force_login(world.manager_a)
    foreign = client.get("/rapports/chiffres-cles/?perimetre=network:pimms&periode=2025")
    assert foreign.status_code == 400
    assert "Périmètre inconnu ou non autorisé" in foreign.content.decode()
    assert "demandes accompagnées" not in foreign.content.decode()


def test_api_key_figures(world, client):
    client.force_login(world.head)
    url = "/api/v1/reports/key-figures"
    answer = client.get(url, {"scope": "department:42", "period": "2025"})
    assert answer.status_code == 200
    data = {f["code"]: f for f in answer.json()["figures"]}
    assert data["requests"]["value"] == 2 and data["requests"]["origin"] == "computed"
    # label and unit come from the indicator registry
    assert data["requests"]["label"] == "Demandes accompagnées"
    assert data["requests"]["unit"] == "count"
    assert data["positive_exit_rate"]["unit"] == "percent"
    assert answer.json()["start"] == "2025-01-01" and answer.json()["end"] == "2025-12-31"
    assert client.get(url, {"scope": "department:42", "period": "2025-13"}).status_code == 422
    reversed_period = client.get(url, {"scope": "department:42", "period": "2025-06..2025-01"})
    assert reversed_period.status_code == 422
    assert "se termine avant de commencer" in reversed_period.content.decode()
    client.force_login(world.manager_a)
    assert client.get(url, {"scope": "department:42", "period": "2025"}).status_code == 404
    assert (
        client.get(url, {"scope": f"organisation:{world.org_a.pk}", "period": "2025"}).json()[
            "figures"
        ][3]["value"]
        == 7
    )


def test_data_quality_check_compares_declared_flows_with_the_data(world):
    from maillon.orchestration.quality import data_quality_findings

    DeclaredFigure.objects.create(
        indicator="requests",
        label="Demandes 2025 (rapport d'activité)",
        value=100,
        scope_type=FigureScope.NETWORK,
        network=world.network,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        source="Rapport d'activité 2025",
    )
    findings = [f for f in data_quality_findings() if f.code == "figures.differ_from_data"]
    assert len(findings) == 1
    assert "annoncé 100, compté 9" in findings[0].why


@pytest.mark.usefixtures("pdf_rendering")
def test_export_key_figures_command(pimms, tmp_path):

    output = tmp_path / "bloc.md"
    call_command(
        "export_key_figures",
        scope="network:pimms",
        period="2018",
        labelled_on="2020-01-01",
        output=str(output),
    )
    assert normalise(BLOCK_2018[0]) in normalise(output.read_text(encoding="utf-8"))
    pdf = tmp_path / "bloc.pdf"
    call_command(
        "export_key_figures", scope="network:pimms", period="2018", format="pdf", output=str(pdf)
    )
    assert "968 ateliers" in normalise(PdfReader(pdf).pages[0].extract_text())
    with pytest.raises(CommandError, match="avant de commencer"):
        call_command("export_key_figures", scope="network:pimms", period="2019..2018")


def test_the_block_of_a_year_of_detailed_data(world):
    figures = figures_for(world, "network:pimms", "2025")
    lines = [normalise(line) for line in key_figures_block(figures).markdown().splitlines()]
    assert lines[0] == "Chiffres clés (données 2025) :"
    assert lines[2:] == [
        "- **2 points d'accueil au public**",
        "- **0** labellisés « France Services »",
        "- **9 demandes accompagnées** par an au sein des points d'accueil",
        "- **6 personnes accompagnées** (sur site : 3 ; téléphone : 1 ; hors les murs : 2)",
        "- **3 actes de médiation sortante** (dans les transports : 1 ; à domicile : 1 ; "
        "sur l'espace public : 1) auprès de 17 personnes",
        "- **1 atelier thématique collectif** mené pour 12 personnes",
        "- **3 salariés**",
        "- **3 médiateurs** ont quitté le dispositif en 2025 avec un taux de sorties positives "
        "de 50 % (vers emploi ou vers une formation qualifiante)",
    ]


def test_without_pango_a_pdf_gets_a_french_503_and_the_rest_works(pimms, client, monkeypatch):
    def missing():
        raise PdfUnavailable

    monkeypatch.setattr(pdf_module, "_weasyprint", missing)
    client.force_login(pimms)
    url = "/rapports/chiffres-cles/?perimetre=network:pimms&periode=2018"
    response = client.get(url + "&format=pdf")
    assert response.status_code == 503
    assert "la bibliothèque Pango manque" in response.content.decode()
    assert client.get(url + "&format=md").status_code == 200
    with pytest.raises(CommandError, match="Pango"):
        call_command("export_key_figures", scope="network:pimms", period="2018", format="pdf")
    assert [m.id for m in pdf_rendering_check(None)] == ["maillon.reports.W001"]
