"""Reads of the directory: the sites a user may see, a site's hours status."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from maillon.core.errors import NotFound
from maillon.network import hours
from maillon.network.holidays import holiday_name
from maillon.network.models import Agreement, Partner, Site, Stop


def site_timezone(site: Site) -> ZoneInfo:
    """The site's time zone (`hours.site_zone` of its commune and its commune's region)."""
    commune = site.commune
    region = commune.region if commune is not None and commune.region_id else None
    return hours.site_zone(
        region.timezone if region is not None else None,
        commune.timezone if commune is not None else None,
    )


def site_department(site: Site) -> str:
    """The INSEE code of the site's département ("" without a commune): its public holidays."""
    commune = site.commune
    return commune.department_id if commune is not None else ""


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
    upcoming: tuple = ()  # dated exceptions (closures, special hours) not yet over
    holiday: str = ""  # today's public holiday where the site is (« Noël »)
    holidays_text: str = ""  # what the hours say of public holidays: « fermé », « 9 h–12 h »…

    @property
    def weekly_text(self) -> str:
        return hours.duration_french(self.weekly_minutes)


def site_hours_status(site: Site, *, at: datetime.datetime) -> HoursStatus:
    timezone = site_timezone(site)
    local_day = at.astimezone(timezone).date()
    today = local_day.weekday()
    if not site.opening_hours or not hours.is_valid(site.opening_hours):
        return HoursStatus(known=False, today_index=today)
    expression = site.opening_hours
    department = site_department(site)
    open_now = hours.is_open(expression, at, timezone=timezone, department=department)
    return HoursStatus(
        known=True,
        is_open=open_now,
        next_opening=None
        if open_now
        else hours.next_opening(expression, at, timezone=timezone, department=department),
        closes_at=hours.next_change(expression, at, timezone=timezone, department=department)
        if open_now
        else None,
        lines=tuple(hours.render_french_lines(expression)),
        summary=hours.render_french(expression),
        weekly_minutes=hours.weekly_minutes(expression),
        today_index=today,
        upcoming=_upcoming_exceptions(expression, local_day),
        holiday=holiday_name(site_department(site), local_day),
        holidays_text=_holidays_text(expression),
    )


def _upcoming_exceptions(expression: str, today: datetime.date, *, days: int = 180) -> tuple:
    """The dated exceptions written by the hours editor that end today or later (six months)."""
    from maillon.network.hours_editor import editor_from_osm

    horizon = today + datetime.timedelta(days=days)
    return tuple(
        e
        for e in editor_from_osm(expression).exceptions
        if (e.end or e.start) >= today and e.start <= horizon
    )


def _holidays_text(expression: str) -> str:
    """What the hours say of public holidays, as the hours editor reads them."""
    from maillon.network.hours_editor import PublicHolidays, editor_from_osm

    editor = editor_from_osm(expression)
    if editor.public_holidays == PublicHolidays.HOURS:
        return hours.day_ranges_french(editor.holiday_ranges)
    if editor.public_holidays == PublicHolidays.AS_USUAL:
        return _("comme un jour ordinaire")
    return _("fermé")


# --- back-office: what a manager may change -------------------------------------------------


def stop_get_managed(*, site: Site, pk: int) -> Stop:
    """`site` was fetched with access.selectors.site_get_managed: its stops are the user's
    (no user needed)."""
    stop = site.stops.select_related("commune").filter(pk=pk).first()
    if stop is None:
        raise NotFound
    return stop


def agreement_get_managed(*, site: Site, pk: int) -> Agreement:
    agreement = site.agreements.select_related("partner").filter(pk=pk).first()
    if agreement is None:
        raise NotFound
    return agreement


def site_agreements(*, site: Site) -> QuerySet[Agreement]:
    """The agreements covering a site: its own and its organisation's."""
    return (
        Agreement.objects.filter(
            Q(site=site) | Q(site__isnull=True, organisation_id=site.organisation_id)
        )
        .select_related("partner")
        .order_by("-start_date")
    )


def partner_list() -> QuerySet[Partner]:
    return (
        Partner.objects.select_related("owner")
        .annotate(agreement_count=Count("agreements"))
        .order_by("kind", "name")
    )
