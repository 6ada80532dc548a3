"""In a real browser: a manager opens his dashboard from the navigation, changes the period,
opens the data table behind a chart, sees the map; axe-core finds no serious or critical
violation."""

import importlib
import re

import pytest
from django.apps import apps

from maillon.activity import taxonomy
from maillon.geo.services import geo_import
from tests.accessibility import axe_problems
from tests.browser import log_in
from tests.reports.test_dashboard import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _seed_reference_data() -> None:
    """Transactional tests start from a flushed database: put the taxonomies back."""
    importlib.import_module("maillon.network.migrations.0002_partner_taxonomy").create(apps, None)
    importlib.import_module("maillon.activity.migrations.0002_taxonomies").create(apps, None)
    taxonomy.cache_clear()


def headline(page, label: str) -> str:
    card = page.locator("li.headline").filter(has_text=label).first
    return card.locator(".headline-value").inner_text().replace("\u202f", " ")


def test_manager_changes_the_period_and_reads_the_data_table(page):
    pytest.importorskip("axe_playwright_python")
    geo_import()
    _seed_reference_data()
    world = build_world()

    log_in(page, world.manager_a.username)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Rapports"
    ).click()
    page.wait_for_url(re.compile(r"/rapports/$"))
    page.get_by_role("link", name="Tableaux de bord").click()
    page.wait_for_url(re.compile(r"/rapports/tableau-de-bord/"))
    assert "Structure — PIMMS Lyon" in page.locator("h1").inner_text()

    page.get_by_label("Du mois").fill("2025-01")
    page.get_by_label("Au mois (inclus)").fill("2025-12")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url(re.compile(r"debut=2025-01"))
    assert headline(page, "Demandes accompagnées") == "5"
    assert headline(page, "Personnes accompagnées") == "3"
    assert page.locator("svg[role=img]").first.is_visible()
    # the map: one circle for the one site of the structure
    circles = page.locator("#dashboard-map path.leaflet-interactive")
    circles.first.wait_for()
    assert circles.count() == 1
    assert axe_problems(page) == []

    # only March: 3 requests; the month inputs keep the choice
    page.get_by_label("Du mois").fill("2025-03")
    page.get_by_label("Au mois (inclus)").fill("2025-03")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url(re.compile(r"debut=2025-03"))
    assert headline(page, "Demandes accompagnées") == "3"
    assert page.get_by_label("Du mois").input_value() == "2025-03"

    figure = page.locator("figure").filter(has_text="Demandes par thème")
    table = figure.locator("table")
    assert not table.is_visible()
    figure.get_by_text("Voir les données").click()
    assert table.is_visible()
    assert table.locator("tbody tr").first.inner_text().split("\t") == ["Famille - Scolarité", "2"]
    assert axe_problems(page) == []


HOSTILE_NAME = '<img src="x" id="injected" alt="piège">PIMMS <b id="bold">Lyon</b>'


def test_a_site_name_reaches_the_map_popup_as_text(page):
    """A site named with HTML tags: the popup of its circle (a click, or Enter on the focused
    circle; no hover tooltip, WCAG 1.4.13) shows the tags as typed, and no element is added to
    the page (the dashboard used to hand the name to Leaflet as HTML)."""
    geo_import()
    _seed_reference_data()
    world = build_world()
    type(world.site_a).objects.filter(pk=world.site_a.pk).update(name=HOSTILE_NAME)
    page.route(re.compile(r"tile\.openstreetmap\.org"), lambda route: route.abort())

    log_in(page, world.manager_a.username)
    page.goto("/rapports/tableau-de-bord/?debut=2025-01&fin=2025-12")
    circle = page.locator("#dashboard-map path.leaflet-interactive").first
    circle.wait_for()
    circle.click()
    tooltip = page.locator(".leaflet-popup-content")
    tooltip.wait_for()
    assert tooltip.inner_text() == f"{HOSTILE_NAME} : 5 demandes"
    assert page.locator("#injected, #bold").count() == 0
    assert tooltip.locator("img, b").count() == 0
