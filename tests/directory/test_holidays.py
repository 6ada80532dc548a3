"""Public holidays by département in every "open now" answer (time travel: the page, the API
and the search answer at a frozen moment)."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from maillon.directory.search import directory_search
from maillon.geo.models import Commune
from maillon.network import hours
from maillon.network.selectors import site_hours_status, site_timezone
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MARIGOT = zoneinfo.ZoneInfo("America/Marigot")
CHRISTMAS_10 = datetime.datetime(2026, 12, 25, 10, 0, tzinfo=PARIS)
SAINT_STEPHEN_10 = datetime.datetime(2026, 12, 26, 10, 0, tzinfo=PARIS)  # a Saturday


def _site(code: str, expression: str, **fields):
    commune = Commune.objects.get(code=code, kind="COM")
    return SiteFactory(commune=commune, opening_hours=expression, **fields)


def _text(response) -> str:
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace("&#x27;", "'")


@time_machine.travel(CHRISTMAS_10, tick=False)
def test_a_site_whose_hours_say_nothing_of_holidays_is_closed_on_christmas(client):
    site = _site("75056", "Mo-Fr 09:00-12:00,13:30-17:00", name="Maison de Paris")
    status = site_hours_status(site, at=CHRISTMAS_10)
    assert not status.is_open and status.holiday == "Noël"
    assert status.next_opening == datetime.datetime(2026, 12, 28, 9, 0, tzinfo=PARIS)
    page = _text(client.get(reverse("directory:site", args=[site.pk])))
    assert "Fermé (jour férié : Noël)" in page
    assert "ouvre lundi 28 décembre à 9 h" in page
    assert "Jours fériés : fermé" in page
    api = client.get(f"/api/v1/public/sites/{site.pk}").json()
    assert api["is_open"] is False and api["public_holiday"] == "Noël"
    result = directory_search(text="Maison de Paris", at=CHRISTMAS_10)
    assert [(h.site.pk, h.is_open) for h in result.hits] == [(site.pk, False)]
    # The day before, an ordinary Thursday, it is open.
    assert site_hours_status(site, at=CHRISTMAS_10 - datetime.timedelta(days=1)).is_open


@time_machine.travel(SAINT_STEPHEN_10, tick=False)
def test_a_moselle_site_is_closed_on_26_december_a_paris_site_is_not(client):
    metz = _site("57463", "Mo-Sa 09:00-12:00")
    paris = _site("75056", "Mo-Sa 09:00-12:00")
    assert not site_hours_status(metz, at=SAINT_STEPHEN_10).is_open
    assert site_hours_status(metz, at=SAINT_STEPHEN_10).holiday == "Saint-Étienne"
    assert site_hours_status(paris, at=SAINT_STEPHEN_10).is_open
    open_now = directory_search(commune_code="57463", at=SAINT_STEPHEN_10).hits
    assert [hit.is_open for hit in open_now] == [False]
    # Good Friday too, in Alsace-Moselle only.
    good_friday = datetime.datetime(2026, 4, 3, 10, 0, tzinfo=PARIS)
    assert not site_hours_status(metz, at=good_friday).is_open
    assert site_hours_status(paris, at=good_friday).is_open


def test_a_saint_martin_site_opens_in_its_own_time_zone():
    site = _site("97801", "Mo-Fr 08:00-12:00; PH off", postal_code="97150")
    assert site_timezone(site) == MARIGOT
    # 8:30 in Marigot is 13:30 in Paris: open there, whatever the hour in Paris.
    morning = datetime.datetime(2026, 11, 24, 8, 30, tzinfo=MARIGOT)
    with time_machine.travel(morning, tick=False):
        assert site_hours_status(site, at=morning).is_open
        hits = directory_search(commune_code="97801", at=morning).hits
        assert [(h.site.pk, h.is_open) for h in hits] == [(site.pk, True)]
    # 12:30 in Marigot (16:30 in Paris): closed, opens the next morning at 8 h, Marigot time.
    noon = morning.replace(hour=12, minute=30)
    status = site_hours_status(site, at=noon)
    assert not status.is_open
    assert status.next_opening == datetime.datetime(2026, 11, 25, 8, 0, tzinfo=MARIGOT)
    # 28 May, abolition of slavery in Saint-Martin: closed.
    abolition = datetime.datetime(2026, 5, 28, 9, 0, tzinfo=MARIGOT)
    assert site_hours_status(site, at=abolition).holiday == "Abolition de l'esclavage"
    assert not site_hours_status(site, at=abolition).is_open


def test_holiday_rules_of_the_hours_are_kept_with_the_local_days():
    friday = datetime.datetime(2026, 4, 3, 10, 0, tzinfo=PARIS)  # Good Friday
    # "PH 10:00-12:00": the holiday hours apply on the département's days.
    assert hours.is_open("Mo-Fr 09:00-17:00; PH 09:30-11:00", friday, department="57")
    assert not hours.is_open(
        "Mo-Fr 09:00-17:00; PH 09:30-11:00", friday.replace(hour=14), department="57"
    )
    assert hours.is_open("Mo-Fr 09:00-17:00; PH 09:30-11:00", friday.replace(hour=14))
    # "Su,PH off" keeps its Sunday, and an explicit "open as usual" rule is honoured.
    assert not hours.is_open("Mo-Su 09:00-17:00; Su,PH off", CHRISTMAS_10)
    assert hours.is_open("Mo-Fr 09:00-17:00; PH Mo-Fr 09:00-17:00", CHRISTMAS_10)
