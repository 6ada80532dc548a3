"""Keyboard only, from the top of the page, with the keystrokes counted (a typed character is
one): a manager edits a site's hours, a citizen goes from the search to a site's page, a
manager moves a site's marker on the map, a network head reads a dashboard map's data. The
counts are printed (`-s`) and bounded, so a page that adds Tab stops on the way shows up."""

import re

import pytest

from maillon.geo.selectors import commune_get
from maillon.geo.services import geo_import
from maillon.network.models import NetworkMembership, Site
from tests.accessibility import Keys
from tests.browser import log_in
from tests.factories import NetworkFactory, OrganisationFactory, SiteFactory, manager_of
from tests.reports.test_dashboard import build_world
from tests.reports.test_dashboard_browser import _seed_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TILES = re.compile(r"tile\.openstreetmap\.org")  # no internet in tests


@pytest.fixture
def lyon_site(db):
    geo_import()
    network = NetworkFactory()
    organisation = OrganisationFactory(name="PIMMS Lyon")
    NetworkMembership.objects.create(network=network, organisation=organisation)
    site = SiteFactory(
        organisation=organisation,
        name="PIMMS Lyon 8e",
        postal_code="69008",
        commune=commune_get(code="69388"),
        opening_hours="Mo-Fr 09:00-12:00",
        latitude=45.734,
        longitude=4.868,
        is_public=True,
    )
    return site, manager_of(organisation)


def _skip_to_content(keys: Keys) -> None:
    keys.press("Tab")  # the skip link is the first stop
    assert keys.page.evaluate("document.activeElement.className") == "skip-link"
    keys.press("Enter")


def test_hours_edit(page, lyon_site):
    site, manager = lyon_site
    log_in(page, manager.username)
    page.goto(f"/reseau/points-d-accueil/{site.pk}/horaires/")
    keys = Keys(page)
    _skip_to_content(keys)
    keys.tab_to("[name=tu]")
    keys.press("Control+A")
    keys.type("9h-12h, 14h-17h")
    keys.press("Enter")  # the form's default button saves
    page.wait_for_url(re.compile(rf"/reseau/points-d-accueil/{site.pk}/(#contenu)?$"))
    assert "Tu 09:00-12:00,14:00-17:00" in Site.objects.get(pk=site.pk).opening_hours
    print(f"\nhours edit: {keys.count} keystrokes")
    assert keys.count <= 40


def test_public_search_to_a_site_page(page, lyon_site):
    site, _ = lyon_site
    page.route(TILES, lambda route: route.abort())
    page.goto("/")
    keys = Keys(page)
    _skip_to_content(keys)
    keys.tab_to("#id_q")
    keys.type("lyon")
    keys.press("Enter")
    page.wait_for_url(re.compile(r"q=lyon"))
    keys.tab_to(f"a[href='/lieux/{site.pk}/']")
    keys.press("Enter")
    page.wait_for_url(re.compile(rf"/lieux/{site.pk}/(#contenu)?$"))
    assert page.locator("h1").inner_text() == "PIMMS Lyon 8e"
    print(f"\npublic search to a site page: {keys.count} keystrokes")
    assert keys.count <= 20


def test_moving_the_site_marker(page, lyon_site):
    site, manager = lyon_site
    page.route(TILES, lambda route: route.abort())
    log_in(page, manager.username)
    page.goto(f"/reseau/points-d-accueil/{site.pk}/modifier/")
    page.locator("#site-map .leaflet-marker-icon").wait_for()
    before = (page.input_value("#id_latitude"), page.input_value("#id_longitude"))
    keys = Keys(page)
    _skip_to_content(keys)
    keys.tab_to("#site-map .leaflet-marker-icon")
    name = page.evaluate("document.activeElement.getAttribute('alt')")
    assert name.startswith("Repère du point d'accueil")
    keys.press("ArrowRight", 3)
    keys.press("Shift+ArrowUp")
    latitude, longitude = (page.input_value("#id_latitude"), page.input_value("#id_longitude"))
    assert float(longitude) > float(before[1])  # east
    assert float(latitude) > float(before[0])  # north
    print(f"\nmoving the site marker: {keys.count} keystrokes")
    assert keys.count <= 40


def test_reading_a_dashboard_map(page):
    geo_import()
    _seed_reference_data()
    world = build_world()
    page.route(TILES, lambda route: route.abort())
    log_in(page, world.head.username)
    page.goto(f"/rapports/tableau-de-bord/?perimetre=network:{world.network.slug}&periode=2025")
    page.locator("#dashboard-map path.leaflet-interactive").first.wait_for()
    keys = Keys(page)
    _skip_to_content(keys)
    keys.tab_to("#dashboard-map path[role=button]", limit=120)
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert re.search(r" : \d+ demandes?$", label), label
    keys.press("Enter")
    popup = page.locator("#dashboard-map .leaflet-popup-content")
    assert popup.inner_text() == label  # the same words as the circle's name
    keys.press("Escape")
    popup.wait_for(state="detached", timeout=3000)  # dismissed
    print(f"\nreading a dashboard map's data: {keys.count} keystrokes")
    assert keys.count <= 120
