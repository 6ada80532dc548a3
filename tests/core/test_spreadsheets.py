"""Exports are inert: a site named like a spreadsheet formula is text in every CSV and XLSX file
Maillon writes (OWASP rules on CSV injection), numbers stay numbers, and our own open-data
export re-imports the name as typed."""

import csv
import datetime
import io
import re
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from maillon.accounts.enums import Role
from maillon.activity import taxonomy
from maillon.activity.exchange import export_csv, export_xlsx
from maillon.activity.services import RequestInput, visit_record
from maillon.core.importing import Problem, write_problem_report
from maillon.core.spreadsheets import csv_writer, inert, uninert
from maillon.directory.opendata.export import export_rows, rows_to_csv
from maillon.directory.opendata.reading import read_table
from maillon.labels.enums import FRANCE_SERVICES
from maillon.labels.selectors import sites_labelled_on
from maillon.network import services as network_services
from maillon.network.models import Agreement, Network, Partner, Site
from maillon.orchestration.importers.pimms import pimms_network_import
from tests.directory.test_opendata import frictionless_errors
from tests.factories import MembershipFactory, SiteFactory, UserFactory

HOSTILE = '=HYPERLINK("http://example.invalid/piege","Cliquez ici")'
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
AUTUMN_2020 = datetime.date(2020, 9, 30)


# --- the rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [HOSTILE, "+1+2", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "-", "+33 1 80 05 98 80"],
    ids=["equals", "plus", "minus", "at", "tab", "carriage-return", "dash", "spaced-phone"],
)
def test_a_formula_like_text_gets_a_leading_quote_and_reads_back(value):
    assert inert(value) == "'" + value
    assert uninert(inert(value)) == value


@pytest.mark.parametrize(
    "value",
    [-3, -1.5, 0, 12, "-1.55", "+33180059880", "-12", "1e5", "PIMMS Lyon", "", None, "'quote"],
)
def test_numbers_and_plain_texts_stay_as_they_are(value):
    assert inert(value) == value
    if isinstance(value, str):
        assert uninert(value) == value


def test_the_csv_writer_neutralises_every_cell():
    buffer = io.StringIO()
    csv_writer(buffer, delimiter=";").writerow([HOSTILE, -4, "-4", "@x"])
    assert next(csv.reader(io.StringIO(buffer.getvalue()), delimiter=";")) == [
        "'" + HOSTILE,
        "-4",
        "-4",
        "'@x",
    ]


# --- every export ------------------------------------------------------------------------------


@dataclass
class World:
    network: Network
    site: Site
    head: object
    caf_viewer: object


@pytest.fixture
def world(db) -> World:
    """The PIMMS network; one of its labelled sites renamed HOSTILE by its network head (so the
    journal has it), with a CAF visit in March 2024 (so both reports have it)."""
    taxonomy.cache_clear()
    pimms_network_import()
    network = Network.objects.get(slug="pimms")
    head = MembershipFactory(role=Role.NETWORK_ADMIN, network=network).user
    site = sites_labelled_on(
        programme=FRANCE_SERVICES, day=AUTUMN_2020, sites=Site.objects.public()
    ).first()
    site = network_services.site_update(
        actor=head, site=site, data={"name": HOSTILE}, expected_version=site.version
    )
    caf = Partner.objects.get(code="caf")
    Agreement.objects.create(
        partner=caf, organisation=site.organisation, start_date=datetime.date(2023, 1, 1)
    )
    visit_record(
        agent=UserFactory(is_superuser=True),
        site_id=site.pk,
        occurred_at=datetime.datetime(2024, 3, 4, 10, tzinfo=PARIS),
        requests=[RequestInput(partner="caf", theme="famille", help_kind="information")],
    )
    caf_viewer = MembershipFactory(role=Role.PARTNER_VIEWER, partner=caf).user
    return World(network=network, site=site, head=head, caf_viewer=caf_viewer)


def _get(user, url: str, params: dict | None = None) -> bytes:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:500]
    return response.content


@dataclass
class Cell:
    value: object
    is_formula: bool


def csv_cells(content: bytes | str, delimiter: str) -> list[Cell]:
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    return [
        Cell(value, False)
        for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        for value in row
    ]


def xlsx_cells(content: bytes | Path) -> list[Cell]:
    source = content if isinstance(content, Path) else io.BytesIO(content)
    workbook = load_workbook(source)
    return [
        Cell(cell.value, cell.data_type == "f")
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]


def monthly_report(world, tmp_path, fmt):
    content = _get(
        world.head,
        "/rapports/mensuel/",
        {"point_accueil": world.site.pk, "periode": "2024-03", "format": fmt},
    )
    return xlsx_cells(content) if fmt == "xlsx" else csv_cells(content, ";")


def partner_report_xlsx(world, tmp_path):
    content = _get(
        world.caf_viewer,
        "/rapports/partenaire/",
        {"partenaire": "caf", "periode": "2024", "format": "xlsx"},
    )
    return xlsx_cells(content)


def open_data_csv(world, tmp_path):
    return csv_cells(_get(None, "/donnees/lieux-mediation-numerique.csv"), ",")


def publication_csv(world, tmp_path):
    content = _get(
        world.head, "/label/listes/", {"network": "pimms", "on": "2020-09-30", "format": "csv"}
    )
    return csv_cells(content, ";")  # for French spreadsheets


def journal_csv(world, tmp_path):
    return csv_cells(_get(world.head, "/journal/export.csv"), ";")


def data_quality_csv(world, tmp_path):
    SiteFactory(organisation=world.site.organisation, name=HOSTILE, commune=None)
    path = tmp_path / "constats.csv"
    call_command("check_data", "--network", "pimms", "--csv", str(path), stdout=io.StringIO())
    return csv_cells(path.read_text(encoding="utf-8"), ",")


def import_problems_csv(world, tmp_path):
    path = tmp_path / "problemes.csv"
    write_problem_report(path, sections=[("erreurs", [Problem(3, "nom", HOSTILE, "trop long")])])
    return csv_cells(path.read_text(encoding="utf-8"), ",")


def activity_rejects_csv(world, tmp_path):
    source = tmp_path / "activite.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["passage", "point_accueil", "date", "canal", "theme", "partenaire"])
        writer.writerow(["v1", world.site.pk, "2024-03-05", "sur-site", "famille", "caf"])
        writer.writerow(["v2", world.site.pk, "2024-03-05", "sur-site", "famille", HOSTILE])
    rejects = tmp_path / "rejets.csv"
    call_command(
        "import_activity",
        str(source),
        "--skip-invalid",
        "--rejects",
        str(rejects),
        stdout=io.StringIO(),
    )
    return csv_cells(rejects.read_text(encoding="utf-8"), ";")


def activity_export(world, tmp_path, fmt):
    # The columns are identifiers and codes; the hostile text stands for a hostile code.
    rows = iter([["v1", str(world.site.pk), "2024-03-04", "10:00", HOSTILE, "-12"]])
    if fmt == "xlsx":
        path = tmp_path / "activite.xlsx"
        export_xlsx(rows, path)
        return xlsx_cells(path)
    buffer = io.StringIO()
    export_csv(rows, buffer)
    return csv_cells(buffer.getvalue(), ";")


EXPORTS = {
    "monthly-report-xlsx": lambda w, p: monthly_report(w, p, "xlsx"),
    "monthly-report-csv": lambda w, p: monthly_report(w, p, "csv"),
    "partner-report-xlsx": partner_report_xlsx,
    "open-data-csv": open_data_csv,
    "labelled-sites-publication-csv": publication_csv,
    "journal-csv": journal_csv,
    "data-quality-csv": data_quality_csv,
    "import-problems-csv": import_problems_csv,
    "activity-rejects-csv": activity_rejects_csv,
    "activity-export-csv": lambda w, p: activity_export(w, p, "csv"),
    "activity-export-xlsx": lambda w, p: activity_export(w, p, "xlsx"),
}

_NUMBER = re.compile(r"[+-]?[\d.,]+([eE][+-]?\d+)?")


@pytest.mark.parametrize("export", EXPORTS.values(), ids=EXPORTS.keys())
def test_no_cell_of_any_export_is_a_formula(world, tmp_path, export):
    cells = export(world, tmp_path)
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert any(HOSTILE in text for text in texts), "the hostile name is not in this export"
    assert not [c.value for c in cells if c.is_formula]
    live = [
        text
        for text in texts
        if text.startswith(("=", "+", "-", "@", "\t", "\r")) and not _NUMBER.fullmatch(text)
    ]
    assert live == []
    assert "'" + HOSTILE in texts or any(t.startswith("'") and HOSTILE in t for t in texts)


def test_numbers_stay_numbers_in_the_report_workbook(world):
    cells = monthly_report(world, None, "xlsx")
    assert any(isinstance(c.value, int) and c.value > 0 for c in cells)


def test_our_open_data_export_is_valid_and_reimports_the_name_as_typed(world, tmp_path):
    path = tmp_path / "lieux.csv"
    path.write_text(rows_to_csv(export_rows(day=AUTUMN_2020)), encoding="utf-8")
    assert f"'{HOSTILE}" in path.read_text(encoding="utf-8").replace('""', '"')
    _kind, rows = read_table(path)
    assert HOSTILE in {row["nom"] for _line, row in rows}
    assert frictionless_errors(path) == []  # still valid against the national schema
