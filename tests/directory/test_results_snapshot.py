"""The results list of the search page, byte for byte, for every kind of result: a fixed set of
hits (stops with and without coordinates or next passage, sites with and without coordinates or
address, in place or at a distance, hours unknown, open, closed, the three badges, names that
need escaping) rendered by the page and compared with a snapshot taken from the template."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine

from maillon.directory import views
from maillon.directory.search import SearchResult, SiteHit
from maillon.directory.search.terms import StopCall
from maillon.geo.models import Commune
from maillon.network.enums import SiteKind
from maillon.network.models import Site
from tests.directory.conftest import PARIS, TUESDAY_MORNING

pytestmark = pytest.mark.django_db
SNAPSHOTS = Path(__file__).parent / "snapshots"
LYON = Commune(code="69123", name="Lyon", department_id="69")
ODD = Commune(code="99999", name="Saint-<Tr>ou & « l'Autre »", department_id="99")


def _site(pk: int, name: str, **fields) -> Site:
    fields.setdefault("commune", LYON)
    return Site(pk=pk, name=name, **fields)


def _at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=PARIS)


def _hits() -> list[SiteHit]:
    bus = _site(
        1, 'Bus "France Services" & <Cie>', kind=SiteKind.MOBILE, latitude=45.1, longitude=4.2
    )
    stop = StopCall("Place d'Armes & <marché>", "Lyon", "le mardi, 9 h–12 h", 45.76, 4.835)
    bare_stop = StopCall("Mairie", "Saint-Priest", "le jeudi, 14 h–17 h")
    located = dict(
        latitude=45.7640123, longitude=4.8356789, address="1 rue de l'Ours", postal_code="69001"
    )
    return [
        SiteHit(bus, 0.0, True, True, True, None, _at(24, 12), True, stop),
        SiteHit(bus, 0.0, True, True, False, _at(26, 9), None, False, stop),
        SiteHit(bus, 3.2, False, True, False, None, None, False, bare_stop),
        SiteHit(
            _site(2, "PIMMS d'Ici & là", **located),
            0.4,
            True,
            True,
            True,
            None,
            _at(24, 17, 30),
            True,
        ),
        SiteHit(_site(3, "Maison <b>", postal_code="69002"), 0.0, True, True, True, None, None),
        SiteHit(
            _site(4, "Espace", address="2 place", postal_code="69003", commune=ODD),
            7.25,
            False,
            False,
            False,
            None,
            None,
        ),
        SiteHit(
            _site(5, "Fermé demain", **located), 12.6, False, True, False, _at(25, 9), None, True
        ),
        SiteHit(
            _site(6, "Fermé aujourd'hui", postal_code="69004", commune=None),
            None,
            False,
            True,
            False,
            _at(24, 14),
            None,
        ),
        SiteHit(
            _site(7, "Fermé longtemps", **located, kind=SiteKind.ITINERANT),
            25.0,
            False,
            True,
            False,
            _at(30, 9),
            None,
        ),
        SiteHit(
            _site(8, "Fermé 1er", **located),
            2.0,
            False,
            True,
            False,
            datetime.datetime(2026, 12, 1, 9, 0, tzinfo=PARIS),
            None,
        ),
        SiteHit(_site(9, "Fermé sans date", **located), 0.0, True, True, False, None, None, True),
    ]


def _results_list(client, monkeypatch, communes: list[Commune], params: dict) -> str:
    hits = _hits()
    result = SearchResult(
        hits=hits, total=len(hits), page=1, pages=1, communes=communes, searched=True
    )
    monkeypatch.setattr(views, "directory_search", lambda **_: result)
    monkeypatch.setattr(views, "pimms_site_ids", lambda **_: frozenset({2, 4, 7}))
    html = client.get("/", params).content.decode()
    match = re.search(r'<ol class="results".*?</ol>', html, re.S)
    assert match
    return match.group(0)


@time_machine.travel(TUESDAY_MORNING, tick=False)
@pytest.mark.parametrize(
    "name, communes, params",
    [
        ("in_commune", [LYON], {"q": "Lyon"}),
        ("near_me", [], {"lat": "45.76", "lon": "4.83"}),
    ],
)
def test_results_list_is_unchanged(client, monkeypatch, name, communes, params):
    html = _results_list(client, monkeypatch, communes, params)
    snapshot = SNAPSHOTS / f"results_{name}.html"
    if not snapshot.exists():  # written once, from the former template, then committed
        snapshot.write_text(html, encoding="utf-8")
        pytest.fail(f"{snapshot.name} was missing: written, check and commit it")
    assert html == snapshot.read_text(encoding="utf-8")
