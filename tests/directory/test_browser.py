"""In a real browser (Debian's Chromium): a citizen finds the Saint-Étienne sites, sees the
distance, the open-now status and the map, opens a site page, all by keyboard; every public
page passes axe-core (no serious or critical violation) and stays light."""

import re

import pytest
import time_machine

from tests.directory.conftest import TUESDAY_MORNING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PAGE_BUDGET = 200 * 1024
TILES = re.compile(r"tile\.openstreetmap\.org")


@pytest.fixture
def directory_data():
    from maillon.geo.services import geo_import
    from maillon.labels.enums import FRANCE_SERVICES
    from maillon.labels.models import LabelProgramme
    from maillon.orchestration.importers.france_services import france_services_import

    geo_import()
    # The database was flushed by an earlier transactional test: data migrations are gone.
    LabelProgramme.objects.get_or_create(slug=FRANCE_SERVICES, defaults={"name": "France Services"})
    france_services_import()


def axe_problems(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def check_page_basics(page, title_part: str) -> None:
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert title_part in page.title() and page.title().endswith("— Maillon")
    assert page.locator("a.skip-link[href='#contenu']").count() == 1
    assert page.locator("h1").count() == 1
    assert axe_problems(page) == []


def test_citizen_finds_saint_etienne_by_keyboard(page, directory_data):
    pytest.importorskip("axe_playwright_python")
    transferred: list[tuple[str, int]] = []
    page.on(
        "response",
        lambda r: transferred.append((r.url, len(r.body()) if r.ok else 0)),
    )
    page.route(TILES, lambda route: route.abort())  # no internet in tests: no tiles

    with time_machine.travel(TUESDAY_MORNING, tick=True):
        page.goto("/")
        check_page_basics(page, "Trouver un point d'accueil")

        # Keyboard only: skip link, then the search box is the first field of the content.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "id_q"
        page.keyboard.type("saint etienne")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"q=saint\+etienne"))

        heading = page.get_by_role("heading", level=2).first.inner_text()
        assert heading.endswith("points d'accueil — Saint-Étienne (42)")
        results = page.locator("ol.results > li")
        first = results.first.inner_text()
        assert "Saint-Étienne" in first
        assert "dans la commune" in first  # a site of the searched commune: no distance
        assert "Ouvert maintenant" in first
        addresses = [results.nth(i).inner_text() for i in range(results.count())]
        in_town = [i for i, text in enumerate(addresses) if "Saint-Étienne\n" in text + "\n"]
        assert in_town == list(range(len(in_town))) and len(in_town) >= 2  # the town first

        # The page before the map is light.
        before_map = sum(size for url, size in transferred if "leaflet" not in url)
        assert before_map < PAGE_BUDGET

        # The map shows one marker per result (tiles are blocked, markers are not).
        page.locator("#map .leaflet-marker-icon").first.wait_for()
        with_position = page.locator("ol.results > li[data-lat]").count()
        assert page.locator("#map .leaflet-marker-icon").count() == with_position
        marker_name = page.locator("#map .leaflet-marker-icon").first.get_attribute("alt")
        assert marker_name
        check_page_basics(page, "saint etienne")

        # Tab to the first result and open it.
        first_name = results.first.locator("h3 a").inner_text()
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent") == first_name:
                break
        else:
            pytest.fail("the first result cannot be reached with the keyboard")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/lieux/\d+/$"))
        assert page.get_by_role("heading", level=1).inner_text() == first_name
        assert page.locator("tr.today[aria-current='date'] th").inner_text() == "Mardi"
        assert page.get_by_text(re.compile(r"France Services depuis le")).count() == 1
        page.locator("#map .leaflet-marker-icon").wait_for()
        check_page_basics(page, first_name)

        page.goto("/?q=Sant-Etienne")
        assert "vouliez-vous dire Saint-Étienne ?" in page.locator(".notices").inner_text()
        check_page_basics(page, "Sant-Etienne")
        page.goto("/?q=99999")
        check_page_basics(page, "99999")
        page.goto("/donnees/")
        check_page_basics(page, "Données ouvertes")


def test_near_me_with_consent(browser, live_server, directory_data):
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        geolocation={"latitude": 45.4397, "longitude": 4.3872},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.route(TILES, lambda route: route.abort())
    try:
        page.goto("/")
        page.get_by_role("button", name="Autour de moi").click()
        page.wait_for_url(re.compile(r"lat=45\.4397"))
        heading = page.get_by_role("heading", level=2).first.inner_text()
        assert heading.endswith("autour de votre position")
        distances = [
            float(m.replace(",", ".")) / (1000 if unit == "m" else 1)
            for m, unit in re.findall(
                r"à (\d+(?:,\d)?) (km|m)\b", page.locator("ol.results").inner_text()
            )
        ]
        assert distances == sorted(distances) and distances[0] < 2
    finally:
        context.close()


def test_near_me_refused_explains(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto("/")
        page.get_by_role("button", name="Autour de moi").click()
        status = page.locator("#near-me-status")
        status.filter(has_text="position").wait_for()
        assert "saisissez une commune ou un code postal" in status.inner_text()
    finally:
        context.close()


def test_a_site_name_reaches_the_map_popup_as_text(page):
    """A site named with HTML tags: the marker's popup on the directory map shows the name as
    typed, and no element is added to the page."""
    from maillon.geo.selectors import commune_get
    from maillon.geo.services import geo_import
    from tests.factories import SiteFactory

    geo_import()
    name = '<img src="x" id="injected" alt="piège">PIMMS <b id="bold">Saint-Étienne</b>'
    SiteFactory(
        name=name,
        postal_code="42000",
        commune=commune_get(code="42218"),
        latitude=45.439,
        longitude=4.387,
    )
    page.route(TILES, lambda route: route.abort())
    page.goto("/?q=Saint-Étienne")
    marker = page.locator("#map .leaflet-marker-icon").first
    marker.wait_for()
    assert marker.get_attribute("alt") == name
    marker.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.get_by_role("link").inner_text() == name
    assert page.locator("#injected, #bold").count() == 0
