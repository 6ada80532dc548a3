"""Dashboard of a scope and a period: headline numbers, monthly trend, breakdowns, sites.

Everything is read from the rollups through `maillon.reports.queries` (never the fact tables),
in a fixed number of grouped queries whatever the number of sites in the scope:

- requests and people by month over the period and the previous one, by channel and by site
  over the period (three queries on the visit rollup, site × month × channel: a few rows per
  site and month; on the request rollup when a partner or theme filter is chosen);
- requests by partner × theme, with the follow-ups of both periods (one query on the request
  rollup: the partner and theme breakdowns are summed from it);
- outreach acts and workshops over both periods (one query each, conditional sums);
- the sites of the scope with their coordinates, and the three taxonomies' labels.

The filters (partner, theme, channel) apply to what is recorded with them: requests carry all
three, visits only the channel, outreach acts only the partner, workshops only the theme. An
indicator the active filters cannot split is shown as « non ventilé », never as a wrong number.
"""

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from maillon.activity.models import Channel, Theme
from maillon.network.models import Partner
from maillon.reports.charts import Chart, bar_chart, line_chart
from maillon.reports.periods import Period
from maillon.reports.queries import (
    outreach_daily,
    outreach_monthly,
    requests_monthly,
    visits_monthly,
    workshops_daily,
)
from maillon.reports.scopes import Scope

MONTHS = (
    pgettext_lazy("month", "janv."),
    pgettext_lazy("month", "févr."),
    pgettext_lazy("month", "mars"),
    pgettext_lazy("month", "avr."),
    pgettext_lazy("month", "mai"),
    pgettext_lazy("month", "juin"),
    pgettext_lazy("month", "juil."),
    pgettext_lazy("month", "août"),
    pgettext_lazy("month", "sept."),
    pgettext_lazy("month", "oct."),
    pgettext_lazy("month", "nov."),
    pgettext_lazy("month", "déc."),
)
HEADLINES = {
    "requests": gettext_lazy("Demandes accompagnées"),
    "people": gettext_lazy("Personnes accompagnées"),
    "follow_ups": gettext_lazy("Demandes à suivre"),
    "outreach_acts": gettext_lazy("Actes de médiation sortante"),
    "outreach_people": gettext_lazy("Personnes touchées hors les murs"),
    "workshops": gettext_lazy("Ateliers collectifs"),
    "participants": gettext_lazy("Participants aux ateliers"),
}
# which filters each indicator can be split by
SPLITS = {
    "requests": {"partner", "theme", "channel"},
    "follow_ups": {"partner", "theme", "channel"},
    "people": {"channel"},
    "outreach_acts": {"partner"},
    "outreach_people": {"partner"},
    "workshops": {"theme"},
    "participants": {"theme"},
}
# breakdowns of the requests: dimension → French name of one of its values
BREAKDOWNS = {
    "partner": gettext_lazy("partenaire"),
    "theme": gettext_lazy("thème"),
    "channel": gettext_lazy("canal"),
}
BREAKDOWN_TITLES = {
    "partner": gettext_lazy("Demandes par partenaire"),
    "theme": gettext_lazy("Demandes par thème"),
    "channel": gettext_lazy("Demandes par canal"),
    "site": gettext_lazy("Points d'accueil les plus sollicités"),
}
TOP_SITES = 10
MAX_RADIUS = 28.0  # px, the busiest site of the map
MIN_RADIUS = 3.0


def month_label(month: datetime.date) -> str:
    return f"{MONTHS[month.month - 1]} {month.year}"


@dataclass(frozen=True)
class Filters:
    """Optional filters, by taxonomy id (None: all)."""

    partner: int | None = None
    theme: int | None = None
    channel: int | None = None

    @property
    def active(self) -> set[str]:
        return {name for name in ("partner", "theme", "channel") if getattr(self, name)}

    def apply(self, rows, *names: str):
        for name in names:
            if getattr(self, name):
                rows = rows.filter(**{f"{name}_id": getattr(self, name)})
        return rows


@dataclass(frozen=True)
class Headline:
    code: str
    value: int | None  # None: the active filters cannot split this indicator
    previous: int | None

    @property
    def label(self) -> str:
        return str(HEADLINES[self.code])

    @property
    def split(self) -> bool:
        return self.value is not None

    @property
    def change(self) -> Decimal | None:
        """Change in % against the previous period; None when there was nothing before."""
        if self.value is None or not self.previous:
            return None
        return (Decimal(self.value - self.previous) * 100 / self.previous).quantize(Decimal("0.1"))

    @property
    def trend(self) -> str:
        """`up`, `down`, `flat` or `new` (nothing in the previous period)."""
        if self.value is None:
            return ""
        if not self.previous:
            return "new" if self.value else "flat"
        return (
            "up" if self.value > self.previous else "down" if self.value < self.previous else "flat"
        )


@dataclass(frozen=True)
class SiteActivity:
    pk: int
    name: str
    organisation: str
    commune: str
    latitude: float | None
    longitude: float | None
    requests: int
    people: int | None
    radius: float = 0.0  # on the map, ∝ √requests


@dataclass
class Dashboard:
    scope: Scope
    period: Period
    previous: Period
    filters: Filters
    headlines: list[Headline]
    trend: Chart
    by_partner: Chart
    by_theme: Chart
    by_channel: Chart
    sites: list[SiteActivity] = field(default_factory=list)  # busiest first
    top_sites_chart: Chart | None = None

    @property
    def top_sites(self) -> list[SiteActivity]:
        return [site for site in self.sites[:TOP_SITES] if site.requests]

    def headline(self, code: str) -> Headline:
        return next(h for h in self.headlines if h.code == code)


Taxonomies = dict[str, list[tuple[int, str, str]]]


def dashboard_taxonomies() -> Taxonomies:
    """(id, code, label) of partners, themes and channels, in display order (three queries):
    the choices of the filter form and the labels of the breakdowns."""
    return {
        "partner": list(Partner.objects.order_by("kind", "name").values_list("pk", "code", "name")),
        "theme": list(Theme.objects.values_list("pk", "code", "label")),
        "channel": list(Channel.objects.values_list("pk", "code", "label")),
    }


def dashboard(
    *,
    scope: Scope,
    period: Period,
    filters: Filters | None = None,
    taxonomies: Taxonomies | None = None,
) -> Dashboard:
    filters = filters or Filters()
    taxonomies = taxonomies if taxonomies is not None else dashboard_taxonomies()
    labels = {name: {pk: label for pk, _code, label in rows} for name, rows in taxonomies.items()}
    previous = period.previous()
    both = Period(previous.first_month, period.last_month, checked=False)
    active = filters.active

    def splittable(code: str) -> bool:
        return active <= SPLITS[code]

    with_people = splittable("people")
    now, before = period.months, previous.months

    # requests (and people) by month over both periods
    by_month = {row["month"]: row for row in _grouped(_activity(scope, both, filters), "month")}

    def total(months: list[datetime.date], key: str) -> int:
        return sum(by_month[m][key] for m in months if m in by_month)

    # partner × theme over both periods: the two breakdowns and the follow-ups, one query
    pairs = _partner_theme(scope, period, both, filters)
    headlines = [
        Headline("requests", total(now, "requests"), total(before, "requests")),
        Headline(
            "people",
            *((total(now, "people"), total(before, "people")) if with_people else (None, None)),
        ),
        Headline(
            "follow_ups",
            sum(row["follow_ups"] for row in pairs),
            sum(row["follow_ups_before"] for row in pairs),
        ),
    ]
    headlines += _outreach_and_workshops(scope, period, both, filters, splittable)

    trend_series = [(_("Demandes"), [total([m], "requests") for m in now])]
    if with_people:
        trend_series.append((_("Personnes accompagnées"), [total([m], "people") for m in now]))
    trend = line_chart(
        title=_("Évolution mensuelle"),
        description=_("Demandes accompagnées et personnes accompagnées par mois, %(period)s.")
        % {"period": period.label},
        categories=[month_label(m) for m in now],
        series=trend_series,
        category_label=_("Mois"),
        chart_id="graphique-evolution",
    )

    current = _activity(scope, period, filters)
    by_channel = [(row["channel_id"], row["requests"]) for row in _grouped(current, "channel_id")]
    parts = {
        "partner": _sum_by(pairs, "partner_id"),
        "theme": _sum_by(pairs, "theme_id"),
        "channel": by_channel,
    }
    charts = {
        name: _breakdown_chart(
            _labelled(parts[name], labels[name]), name=name, what=what, period=period
        )
        for name, what in BREAKDOWNS.items()
    }
    sites = _sites(scope, _grouped(current, "site_id"), with_people)
    busiest = [(s.name, s.requests) for s in sites[:TOP_SITES] if s.requests]
    return Dashboard(
        scope=scope,
        period=period,
        previous=previous,
        filters=filters,
        headlines=headlines,
        trend=trend,
        by_partner=charts["partner"],
        by_theme=charts["theme"],
        by_channel=charts["channel"],
        sites=sites,
        top_sites_chart=_breakdown_chart(
            busiest, name="site", what=_("point d'accueil"), period=period
        ),
    )


def _activity(scope: Scope, period: Period, filters: Filters):
    """Requests (and people) by site × month × channel. Without a partner or theme filter the
    visit rollup holds them (a few rows per site and month); with one, the request rollup."""
    if filters.partner or filters.theme:
        rows = requests_monthly(scope, period)
        return filters.apply(rows, "partner", "theme", "channel"), False
    return filters.apply(visits_monthly(scope, period), "channel"), True


def _grouped(activity, key: str) -> list[dict]:
    """Requests (and people, when the rows have them) grouped by one key."""
    rows, has_people = activity
    sums = {"requests": Sum("requests")}
    if has_people:
        sums["people"] = Sum("visits")
    grouped = list(rows.values(key).annotate(**sums).order_by())
    for row in grouped:
        row.setdefault("people", 0)
    return grouped


def _partner_theme(scope: Scope, period: Period, both: Period, filters: Filters) -> list[dict]:
    """Requests of the period and follow-ups of both periods, by partner × theme."""
    now, before = Q(month__gte=period.first_month), Q(month__lt=period.first_month)
    rows = filters.apply(requests_monthly(scope, both), "partner", "theme", "channel")
    grouped = rows.values("partner_id", "theme_id").annotate(
        n_requests=Sum("requests", filter=now),
        n_follow_ups=Sum("follow_ups", filter=now),
        n_follow_ups_before=Sum("follow_ups", filter=before),
    )
    return [
        {
            "partner_id": row["partner_id"],
            "theme_id": row["theme_id"],
            "requests": row["n_requests"] or 0,
            "follow_ups": row["n_follow_ups"] or 0,
            "follow_ups_before": row["n_follow_ups_before"] or 0,
        }
        for row in grouped.order_by()
    ]


def _sum_by(rows: list[dict], key: str) -> list[tuple[int, int]]:
    sums: dict[int, int] = {}
    for row in rows:
        sums[row[key]] = sums.get(row[key], 0) + row["requests"]
    return list(sums.items())


def _outreach_and_workshops(scope, period, both, filters, splittable) -> list[Headline]:
    now = Q(day__gte=period.start)
    before = Q(day__lt=period.start)
    headlines = []
    if splittable("outreach_acts"):
        # the monthly rollup has no partner: the daily one when a partner is chosen
        if filters.partner:
            rows, when = filters.apply(outreach_daily(scope, both), "partner"), "day"
        else:
            rows, when = outreach_monthly(scope, both), "month"
        acts_now, acts_before = (
            Q(**{f"{when}__gte": period.start}),
            Q(**{f"{when}__lt": period.start}),
        )
        outreach = rows.aggregate(
            n_now=Sum("acts", filter=acts_now),
            n_before=Sum("acts", filter=acts_before),
            people_now=Sum("people_reached", filter=acts_now),
            people_before=Sum("people_reached", filter=acts_before),
        )
        headlines += [
            Headline("outreach_acts", outreach["n_now"] or 0, outreach["n_before"] or 0),
            Headline(
                "outreach_people", outreach["people_now"] or 0, outreach["people_before"] or 0
            ),
        ]
    else:
        headlines += [
            Headline("outreach_acts", None, None),
            Headline("outreach_people", None, None),
        ]
    if splittable("workshops"):
        workshops = filters.apply(workshops_daily(scope, both), "theme").aggregate(
            n_now=Sum("workshops", filter=now),
            n_before=Sum("workshops", filter=before),
            people_now=Sum("participants", filter=now),
            people_before=Sum("participants", filter=before),
        )
        headlines += [
            Headline("workshops", workshops["n_now"] or 0, workshops["n_before"] or 0),
            Headline("participants", workshops["people_now"] or 0, workshops["people_before"] or 0),
        ]
    else:
        headlines += [Headline("workshops", None, None), Headline("participants", None, None)]
    return headlines


def _labelled(parts: list[tuple[int, int]], labels: dict[int, str]) -> list[tuple[str, int]]:
    """(label, requests) largest first, zeros left out; id 0 is « sans partenaire »."""
    named = [
        (labels.get(key) or (_("Sans partenaire") if key == 0 else _("Inconnu")), n)
        for key, n in parts
        if n
    ]
    return sorted(named, key=lambda part: (-part[1], part[0]))


def _breakdown_chart(parts, *, name: str, what: str, period: Period) -> Chart:
    return bar_chart(
        title=str(BREAKDOWN_TITLES[name]),
        description=_("Nombre de demandes accompagnées par %(what)s, %(period)s.")
        % {"what": what, "period": period.label},
        categories=[label for label, _n in parts],
        series=[(_("Demandes"), [n for _label, n in parts])],
        horizontal=True,
        category_label=str(what).capitalize(),
        chart_id=f"graphique-{name}",
    )


def _sites(scope: Scope, by_site: list[dict], with_people: bool) -> list[SiteActivity]:
    """Every site of the scope with its requests (and people) over the period, busiest first."""
    activity = {row["site_id"]: row for row in by_site}
    busiest = max((row["requests"] for row in by_site), default=0)
    rows = scope.sites.values_list(
        "pk", "name", "organisation__name", "commune__name", "latitude", "longitude"
    )
    sites = []
    for pk, name, organisation, commune, latitude, longitude in rows:
        row = activity.get(pk, {"requests": 0, "people": 0})
        n = row["requests"]
        # area ∝ requests: radius ∝ √requests (a floor keeps the smallest visible)
        radius = max(MIN_RADIUS, MAX_RADIUS * math.sqrt(n / busiest)) if n else MIN_RADIUS
        sites.append(
            SiteActivity(
                pk=pk,
                name=name,
                organisation=organisation or "",
                commune=commune or "",
                latitude=latitude,
                longitude=longitude,
                requests=n,
                people=row["people"] if with_people else None,
                radius=round(radius, 2),
            )
        )
    return sorted(sites, key=lambda s: (-s.requests, s.name))
