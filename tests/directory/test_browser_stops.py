"""In a real browser: a citizen searches a commune that only a bus serves, finds the bus there
with the stop's next date, and reads the stop's recurrence on the bus's page; the maps mark the
stop."""

import datetime
import re
import zoneinfo

import pytest
import time_machine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TILES = re.compile(r"tile\.openstreetmap\.org")
# Tuesday 1 December 2026, 10:00 in Paris: the first Tuesday of the month.
FIRST_TUESDAY = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))


@pytest.fixture
def bus():
    from maillon.geo.selectors import commune_get
    from maillon.geo.services import geo_import
    from maillon.network.enums import SiteKind
    from maillon.network.models import Stop
    from tests.factories import SiteFactory

    geo_import()
    retiers = commune_get(code="35239")
    bus = SiteFactory(
        name="Bus France Services Roche aux Fées",
        kind=SiteKind.MOBILE,
        commune=retiers,
        postal_code="35240",
        latitude=retiers.latitude,
        longitude=retiers.longitude,
        opening_hours="Mo-Fr 09:00-17:00; PH off",
    )
    janze = commune_get(code="35136")
    Stop.objects.create(
        site=bus,
        commune=janze,
        place="Place de l'Église",
        schedule="Tu[2,4] 09:00-12:00",
        latitude=janze.latitude,
        longitude=janze.longitude,
    )
    return bus


def test_the_bus_is_found_at_the_commune_it_stops_in(page, bus):
    page.route(TILES, lambda route: route.abort())
    with time_machine.travel(FIRST_TUESDAY, tick=True):
        page.goto("/?q=Janzé")
        results = page.locator("ol.results > li")
        assert results.count() == 1
        first = results.first.inner_text()
        assert "Bus France Services Roche aux Fées" in first
        assert "Arrêt à Janzé : Place de l'Église" in first
        assert "les 2e et 4e mardis du mois, 9 h–12 h" in first
        assert "dans la commune" in first
        assert "prochain passage : mardi 8 décembre à 9 h" in first
        # The map marks the stop (a round marker), not the bus's base in Retiers.
        page.locator("#map path.leaflet-interactive").first.wait_for()
        assert page.locator("#map .leaflet-marker-icon").count() == 0

        results.first.locator("h3 a").click()
        page.wait_for_url(re.compile(rf"/lieux/{bus.pk}/$"))
        stops = page.locator("ul.stops").inner_text()
        assert "Place de l'Église, Janzé — les 2e et 4e mardis du mois, 9 h–12 h" in stops
        assert "prochain passage : mardi 8 décembre à 9 h" in stops
        assert (
            "Prochaines dates : mardi 8 décembre 2026, mardi 22 décembre 2026, "
            "mardi 12 janvier 2027"
        ) in stops
        page.locator("#map path.leaflet-interactive").first.wait_for()
