"""Buses at the searched place: a mobile site with a stop in the communes of the search is a
result **at that commune** (distance 0), its hours those of the stop, its next opening the
stop's next passage.

The stops of the public sites are read once a minute per process (a few hundred rows; a stop
added in the back office shows in the search within a minute, at once on the site's page);
a search whose place has no stop costs no query, one with stops one query (the sites the
search's filters keep).
"""

import time
from dataclasses import dataclass

from django.db.models import QuerySet

from maillon.directory.search.candidates import Candidate
from maillon.directory.search.terms import SiteHit, StopCall
from maillon.network import hours
from maillon.network.models import Site, Stop
from maillon.network.recurrence import schedule_sentence

STOP_MEMO_SECONDS = 60


@dataclass(frozen=True)
class _StopRow:
    site_id: int
    place: str
    commune_id: int
    commune_name: str
    schedule: str
    timezone: str | None
    department: str
    latitude: float | None
    longitude: float | None


_memo: dict[int, dict[int, list[_StopRow]]] = {}


def clear_stop_cache() -> None:
    _memo.clear()


def _stops_by_commune() -> dict[int, list[_StopRow]]:
    bucket = int(time.time() // STOP_MEMO_SECONDS)
    if bucket not in _memo:
        _memo.clear()
        by_commune: dict[int, list[_StopRow]] = {}
        rows = (
            Stop.objects.filter(site__in=Site.objects.public())
            .order_by("place", "pk")
            .values_list(
                "site_id",
                "place",
                "commune_id",
                "commune__name",
                "schedule",
                "commune__timezone",
                "commune__region__timezone",
                "commune__department_id",
                "latitude",
                "longitude",
            )
        )
        for site_id, place, commune_id, name, schedule, tz, region_tz, dep, lat, lon in rows:
            if hours.is_valid(schedule):
                by_commune.setdefault(commune_id, []).append(
                    _StopRow(
                        site_id, place, commune_id, name, schedule, tz or region_tz, dep, lat, lon
                    )
                )
        _memo[bucket] = by_commune
    return _memo[bucket]


@dataclass
class StopCandidate(Candidate):
    stop: _StopRow | None = None


def with_stops(
    candidates: list[Candidate], *, base: QuerySet[Site], place_ids: set[int]
) -> list[Candidate]:
    """The candidates with the buses stopping in `place_ids` put at the place: their hours are
    the stop's (the first stop of the place in alphabetical order when there are several)."""
    if not place_ids:
        return candidates
    by_commune = _stops_by_commune()
    rows: dict[int, _StopRow] = {}
    for commune_id in sorted(place_ids):
        for row in by_commune.get(commune_id, ()):
            rows.setdefault(row.site_id, row)
    if not rows:
        return candidates
    names = dict(base.filter(pk__in=rows).values_list("pk", "name"))
    at_stop = [
        StopCandidate(
            pk=site_id,
            distance_km=0.0,
            in_place=True,
            name=names[site_id],
            expression=row.schedule,
            timezone=hours.site_zone(row.timezone),
            department=row.department,
            stop=row,
        )
        for site_id, row in rows.items()
        if site_id in names
    ]
    kept = [c for c in candidates if c.pk not in names]
    return kept + list(at_stop)


def attach_stops(hits: list[SiteHit], chunk: list[Candidate]) -> None:
    """Tell each hit found at a stop where the bus stops and when."""
    stops = {c.pk: c.stop for c in chunk if isinstance(c, StopCandidate) and c.stop}
    for hit in hits:
        row = stops.get(hit.site.pk)
        if row is not None:
            hit.stop = StopCall(
                place=row.place,
                commune_name=row.commune_name,
                schedule_text=schedule_sentence(row.schedule),
                latitude=row.latitude,
                longitude=row.longitude,
            )
