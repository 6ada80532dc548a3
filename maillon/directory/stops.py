"""Public reads of the stops of buses and itinerant services: where and when they come next.

A stop's schedule is an OSM expression written by the back office's recurrence editor
(`Tu[2,4] 09:00-12:00`); citizens read it in words (« les 2e et 4e mardis du mois, 9 h–12 h »)
with the next dates, public holidays of the stop's département excluded (`hours.local_parse`).
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from opening_hours import State

from maillon.network import hours
from maillon.network.models import Site, Stop
from maillon.network.recurrence import schedule_sentence
from maillon.network.selectors import site_department, site_timezone

STOP_HORIZON_DAYS = 60
NEXT_DATES = 3


def next_passages(
    schedule: str,
    at: datetime.datetime,
    *,
    timezone: ZoneInfo,
    department: str,
    count: int = NEXT_DATES,
    horizon_days: int = STOP_HORIZON_DAYS,
) -> tuple[datetime.datetime, ...]:
    """The starts of the next `count` passages within `horizon_days` (aware, in `timezone`);
    a passage under way counts from `at`. Empty for a schedule that cannot be read."""
    if not hours.is_valid(schedule):
        return ()
    local = at.astimezone(timezone).replace(tzinfo=None)
    horizon = local + datetime.timedelta(days=horizon_days)
    passages: list[datetime.datetime] = []
    parsed = hours.local_parse(schedule, department, local.year)
    for start, _end, state, _comment in parsed.intervals(local):
        if start > horizon or len(passages) >= count:
            break
        if state == State.OPEN:
            passages.append(max(start, local).replace(tzinfo=timezone))
    return tuple(passages)


@dataclass(frozen=True)
class StopVisit:
    stop: Stop
    when: datetime.datetime | None  # the next passage (`at` when the bus is there)
    schedule_text: str
    dates: tuple[datetime.datetime, ...] = ()  # the next passages, `when` first


def upcoming_stops(*, site: Site, at: datetime.datetime) -> list[StopVisit]:
    """The stops of a mobile site, the next one first (stops with no date to come last)."""
    timezone, department = site_timezone(site), site_department(site)
    visits = []
    for stop in site.stops.select_related("commune"):
        dates = next_passages(
            stop.schedule,
            at,
            timezone=timezone,
            department=stop.commune.department_id or department,
        )
        visits.append(
            StopVisit(stop, dates[0] if dates else None, schedule_sentence(stop.schedule), dates)
        )
    far = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    return sorted(visits, key=lambda v: (v.when or far, v.stop.place))
