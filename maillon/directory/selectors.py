"""Public reads of the directory (no account): a site's page, the partners it serves, its
label, its upcoming closures (the next stops of a mobile site are in `maillon.directory.stops`).
The search is in `maillon.directory.search`."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from maillon.core.errors import NotFound
from maillon.labels.enums import FRANCE_SERVICES, LABEL_HOLDING_OUTCOMES
from maillon.labels.models import LabelDecision
from maillon.labels.selectors import sites_labelled_on
from maillon.network import hours
from maillon.network.holidays import holiday_name
from maillon.network.models import Agreement, Partner, Site
from maillon.network.selectors import site_department, site_timezone

CLOSURE_HORIZON_DAYS = 21


def public_site_get(*, pk: int) -> Site:
    site = Site.objects.public().with_geography().filter(pk=pk).first()
    if site is None:
        raise NotFound
    return site


def public_site_count() -> int:
    return Site.objects.public().count()


@dataclass(frozen=True)
class LabelBadge:
    programme: str
    since: datetime.date | None


def site_labels(*, site: Site, day: datetime.date) -> list[LabelBadge]:
    """The labels the site holds on `day`, with the date of the decision that granted it."""
    badges = []
    holding = sites_labelled_on(
        programme=FRANCE_SERVICES, day=day, sites=Site.objects.filter(pk=site.pk)
    ).exists()
    if holding:
        first = (
            LabelDecision.objects.filter(site=site, outcome__in=LABEL_HOLDING_OUTCOMES)
            .of_programme(FRANCE_SERVICES)
            .current()
            .effective_by(day)
            .select_related("programme")
            .order_by("effective_date")
            .first()
        )
        badges.append(
            LabelBadge(
                programme=first.programme.name if first else "France Services",
                since=first.effective_date if first else None,
            )
        )
    return badges


@dataclass(frozen=True)
class ServedPartner:
    partner: Partner
    through_label: bool


def site_partners(*, site: Site, day: datetime.date, labelled: bool) -> list[ServedPartner]:
    """Partners whose public the site serves on `day`: its own or its organisation's
    agreements, and the national operators when the site is labelled France Services."""
    agreements = Agreement.objects.valid_on(day).select_related("partner")
    own = agreements.filter(site=site)
    if site.organisation_id:
        own = own | agreements.filter(site__isnull=True, organisation_id=site.organisation_id)
    served = {a.partner_id: ServedPartner(a.partner, False) for a in own}
    if labelled:
        for partner in Partner.objects.national_operators().valid_on(day):
            served.setdefault(partner.pk, ServedPartner(partner, True))
    return sorted(served.values(), key=lambda s: (s.partner.kind, str(s.partner)))


@dataclass(frozen=True)
class Closure:
    day: datetime.date
    usual: str
    holiday: str = ""  # « Noël »: the public holiday that closes it


def upcoming_closures(
    *, site: Site, at: datetime.datetime, days: int = CLOSURE_HORIZON_DAYS
) -> list[Closure]:
    """Days in the coming weeks when the site is closed although it usually opens that
    weekday (public holidays, exceptions written in the OSM expression)."""
    expression = site.opening_hours
    if not expression or not hours.is_valid(expression):
        return []
    week = hours.weekly_ranges(expression)
    timezone, department = site_timezone(site), site_department(site)
    today = at.astimezone(timezone).date()
    parsed = hours.local_parse(expression, department, today.year)
    closures = []
    for offset in range(days):
        day = today + datetime.timedelta(days=offset)
        usual = week[day.weekday()]
        if not usual:
            continue
        start = datetime.datetime.combine(day, datetime.time())
        if not any(parsed.is_open(start + datetime.timedelta(minutes=r.start + 1)) for r in usual):
            holiday = holiday_name(department, day)
            closures.append(Closure(day, hours.day_ranges_french(usual), holiday))
    return closures


def directions_url(site: Site) -> str:
    if site.latitude is None or site.longitude is None:
        return ""
    return f"https://www.openstreetmap.org/directions?to={site.latitude:.5f}%2C{site.longitude:.5f}"


def kind_text(site: Site) -> str:
    return _("Bus ou service itinérant") if site.is_mobile else str(site.get_kind_display())
