"""The partner scorecard in a real browser: the partner report and the dashboard show it as
tables a screen reader can read (axe-core, WCAG 2.1 A/AA)."""

import importlib

import pytest
from django.apps import apps

from maillon.activity import taxonomy
from maillon.geo.services import geo_import
from tests.accessibility import axe_problems
from tests.browser import log_in
from tests.reports.test_case_scorecard import build_world


def _seed_reference_data() -> None:
    """Transactional tests start from a flushed database: put the taxonomies back."""
    importlib.import_module("maillon.network.migrations.0002_partner_taxonomy").create(apps, None)
    importlib.import_module("maillon.activity.migrations.0002_taxonomies").create(apps, None)
    taxonomy.cache_clear()


def test_the_network_head_reads_the_scorecard_in_the_report_and_the_dashboard(page, live_server):
    pytest.importorskip("axe_playwright_python")
    geo_import()
    _seed_reference_data()
    world = build_world()
    log_in(page, world["users"]["network_head"].username)

    page.goto(f"{live_server.url}/rapports/partenaire/?partenaire=caf&periode=2025-05")
    section = page.get_by_role("region", name="Dossiers transmis aux partenaires")
    summary = section.get_by_role("table", name="Tableau de bord des dossiers transmis")
    sent = summary.get_by_role("row").filter(has_text="Dossiers transmis").first
    assert sent.inner_text().split("\t")[1:] == ["7", "2", "7"]  # May, April, the network
    by_department = section.get_by_role("table", name="Dossiers transmis par département")
    assert "Hérault (34)" in by_department.inner_text()
    assert axe_problems(page) == []

    page.goto(
        f"{live_server.url}/rapports/tableau-de-bord/?perimetre=network:pimms&periode=2025-05"
    )
    section = page.get_by_role("region", name="Dossiers transmis aux partenaires")
    by_partner = section.get_by_role("table", name="Dossiers transmis par partenaire")
    assert by_partner.get_by_role("row").count() == 3  # the header, CAF, CPAM
    assert axe_problems(page) == []
