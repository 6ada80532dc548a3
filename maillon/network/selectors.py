"""Reads of the directory: the sites a user may see, a site's hours status."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.http import Http404

from maillon.accounts.perms import sites_visible_to
from maillon.core.text import search_key
from maillon.network import hours
from maillon.network.models import Site


def site_list(*, user, text: str = "", department: str = "") -> QuerySet[Site]:
    """The sites `user` may see, filtered by name/commune text and département."""
    sites = sites_visible_to(user).with_geography()
    if text:
        key = search_key(text)
        sites = sites.filter(
            Q(name__icontains=text.strip())
            | Q(commune__search_name__contains=key)
            | Q(postal_code=text.strip())
            | Q(fs_id=text.strip())
        )
    if department:
        sites = sites.in_department(department)
    return sites.order_by("commune__department_id", "name")


def site_get(*, user, pk: int) -> Site:
    """A site the user may see; a foreign or missing id is the same 404."""
    site = sites_visible_to(user).with_geography().filter(pk=pk).first()
    if site is None:
        raise Http404
    return site


def site_timezone(site: Site) -> ZoneInfo:
    if site.commune_id and site.commune.region_id:
        return ZoneInfo(site.commune.region.timezone)
    return hours.DEFAULT_TIMEZONE


@dataclass(frozen=True)
class HoursStatus:
    """What a citizen wants to know about a site's hours at a given moment."""

    known: bool
    is_open: bool = False
    next_opening: datetime.datetime | None = None
    closes_at: datetime.datetime | None = None
    lines: tuple[tuple[str, str], ...] = ()
    summary: str = ""
    weekly_minutes: int = 0
    today_index: int = 0

    @property
    def weekly_text(self) -> str:
        return hours.duration_french(self.weekly_minutes)


def site_hours_status(site: Site, *, at: datetime.datetime) -> HoursStatus:
    timezone = site_timezone(site)
    today = at.astimezone(timezone).weekday()
    if not site.opening_hours or not hours.is_valid(site.opening_hours):
        return HoursStatus(known=False, today_index=today)
    expression = site.opening_hours
    open_now = hours.is_open(expression, at, timezone=timezone)
    return HoursStatus(
        known=True,
        is_open=open_now,
        next_opening=None if open_now else hours.next_opening(expression, at, timezone=timezone),
        closes_at=hours.next_change(expression, at, timezone=timezone) if open_now else None,
        lines=tuple(hours.render_french_lines(expression)),
        summary=hours.render_french(expression),
        weekly_minutes=hours.weekly_minutes(expression),
        today_index=today,
    )
