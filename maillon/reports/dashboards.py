"""Dashboard of a scope and a period: headline numbers, monthly trend, breakdowns, sites.

Every indicator is read from the rollup the registry (`maillon.reports.indicators`) names for it
under the active filters (never the fact tables), in a fixed number of grouped queries whatever
the number of sites in the scope:

- requests and people by month over the period and the previous one, by channel and by site
  over the period (three queries on the visit rollup, site × month × channel: a few rows per
  site and month; on the request rollup when a partner or theme filter is chosen);
- requests by partner × theme, with the follow-ups of both periods (one query on the request
  rollup: the partner and theme breakdowns are summed from it);
- outreach acts and workshops over both periods (one query each, conditional sums);
- the sites of the scope with their coordinates, and the three taxonomies' labels;
- the partner scorecard of the cases sent from the scope's sites (`maillon.reports.cases`: two
  queries, and a few more when there are cases).

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

from maillon.activity.models import Channel, Theme
from maillon.network.models import Partner
from maillon.reports import indicators
from maillon.reports.cases import CaseScorecard, case_scorecard
from maillon.reports.indicators import INDICATORS, Rollup
from maillon.reports.periods import Period
from maillon.reports.scopes import Scope

# the headline cards, in order (codes of `maillon.reports.indicators`)
HEADLINES = (
    "requests",
    "people_helped",
    "follow_ups",
    "outreach_acts",
    "outreach_people",
    "workshops",
    "workshop_participants",
)
# the breakdowns of the requests, by dimension
BREAKDOWNS = ("partner", "theme", "channel")
TOP_SITES = 10
MAX_RADIUS = 28.0  # px, the busiest site of the map
MIN_RADIUS = 3.0


@dataclass(frozen=True)
class Filters:
    """Optional filters, by taxonomy id (None: all)."""

    partner: int | None = None
    theme: int | None = None
    channel: int | None = None

    @property
    def active(self) -> set[str]:
        return {name for name in ("partner", "theme", "channel") if getattr(self, name)}

    @property
    def where(self) -> dict[str, int]:
        """{dimension: id} of the active filters (`indicators.sums`' `where`)."""
        return {name: getattr(self, name) for name in sorted(self.active)}

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
        return INDICATORS[self.code].card_label

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
    # (month, requests, people — None when the filters cannot split them), over the period
    trend: list[tuple[datetime.date, int, int | None]]
    # (label, requests) of each breakdown, largest first
    by_partner: list[tuple[str, int]]
    by_theme: list[tuple[str, int]]
    by_channel: list[tuple[str, int]]
    sites: list[SiteActivity] = field(default_factory=list)  # busiest first
    # the cases sent to partners (None: a theme or channel filter, which cases do not carry)
    cases: CaseScorecard | None = None

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
    now, before = period.months, previous.months

    # requests (and people, when the filters split them) by month over both periods
    by_month = _activity(scope, both, filters, "month")
    with_people = _splits_people(filters)

    def total(months: list[datetime.date], code: str) -> int:
        return sum(by_month[(m,)][code] for m in months if (m,) in by_month)

    # partner × theme over both periods: the two breakdowns and the follow-ups, one query
    pairs = _partner_theme(scope, period, both, filters)
    people = (total(now, "people_helped"), total(before, "people_helped"))
    headlines = [
        Headline("requests", total(now, "requests"), total(before, "requests")),
        Headline("people_helped", *(people if with_people else (None, None))),
        Headline(
            "follow_ups",
            sum(row["follow_ups"] for row in pairs),
            sum(row["follow_ups_before"] for row in pairs),
        ),
    ]
    other = ("outreach_acts", "outreach_people", "workshops", "workshop_participants")
    totals = _period_totals(scope, period, both, filters, other)
    headlines += [Headline(code, *totals[code]) for code in other]

    trend = [
        (m, total([m], "requests"), total([m], "people_helped") if with_people else None)
        for m in now
    ]
    by_channel = [
        (channel, row["requests"])
        for (channel,), row in _activity(scope, period, filters, "channel").items()
    ]
    parts = {
        "partner": _sum_by(pairs, "partner_id"),
        "theme": _sum_by(pairs, "theme_id"),
        "channel": by_channel,
    }
    breakdowns = {name: _labelled(parts[name], labels[name]) for name in BREAKDOWNS}
    sites = _sites(scope, _activity(scope, period, filters, "site"), with_people)
    return Dashboard(
        scope=scope,
        period=period,
        previous=previous,
        filters=filters,
        headlines=headlines,
        trend=trend,
        by_partner=breakdowns["partner"],
        by_theme=breakdowns["theme"],
        by_channel=breakdowns["channel"],
        sites=sites,
        cases=_cases(scope, period, filters),
    )


def _cases(scope: Scope, period: Period, filters: Filters) -> CaseScorecard | None:
    """The partner scorecard of the scope (of the chosen partner, if any); None under a theme
    or channel filter: a case is counted by partner only."""
    if filters.active - {"partner"}:
        return None
    partner = Partner.objects.filter(pk=filters.partner).first() if filters.partner else None
    return case_scorecard(sites=scope.sites, period=period, partner=partner)


def _splits_people(filters: Filters) -> bool:
    """Whether people can be counted under the filters (visits carry the channel only)."""
    return INDICATORS["people_helped"].source_for({*filters.active, "month"}) is not None


def _activity(scope: Scope, period: Period, filters: Filters, by: str) -> dict:
    """{(value of `by`,): {"requests": n, "people_helped": n}} under the filters, in one query.
    Without a partner or theme filter the visit rollup holds both (a few rows per site and
    month); with one, the request rollup, and people are not counted."""
    codes = ("requests", "people_helped") if _splits_people(filters) else ("requests",)
    rows = indicators.sums(scope, period, codes, by=(by,), where=filters.where)
    for row in rows.values():
        row.setdefault("people_helped", 0)
    return rows


def _partner_theme(scope: Scope, period: Period, both: Period, filters: Filters) -> list[dict]:
    """Requests of the period and follow-ups of both periods, by partner × theme."""
    dimensions = {"partner", "theme", "month", *filters.active}
    requests = INDICATORS["requests"].source_for(dimensions)
    follow_ups = INDICATORS["follow_ups"].source_for(dimensions)
    assert requests and follow_ups and requests.rollup is follow_ups.rollup  # noqa: S101
    now, before = Q(month__gte=period.first_month), Q(month__lt=period.first_month)
    rows = filters.apply(requests.rollup.rows(scope, both), "partner", "theme", "channel")
    grouped = rows.values("partner_id", "theme_id").annotate(
        n_requests=Sum(requests.column, filter=now),
        n_follow_ups=Sum(follow_ups.column, filter=now),
        n_follow_ups_before=Sum(follow_ups.column, filter=before),
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


def _period_totals(scope, period, both, filters, codes) -> dict[str, tuple[int | None, ...]]:
    """{code: (period, previous period)} of indicators, one query per rollup they come from
    (conditional sums over both periods); (None, None) for those the filters cannot split.
    Outreach comes from its monthly rollup unless a partner is chosen (the daily one has it)."""
    result: dict[str, tuple[int | None, ...]] = {}
    by_rollup: dict[Rollup, list[tuple[str, str]]] = {}
    for code in codes:
        source = INDICATORS[code].source_for(filters.active)
        if source is None:
            result[code] = (None, None)
        else:
            by_rollup.setdefault(source.rollup, []).append((code, source.column))
    for rollup, columns in by_rollup.items():
        rows = filters.apply(rollup.rows(scope, both), *(filters.active & rollup.dimensions))
        now = Q(**{f"{rollup.time}__gte": period.start})
        before = Q(**{f"{rollup.time}__lt": period.start})
        sums = {}
        for code, column in columns:
            sums[f"{code}_now"] = Sum(column, filter=now)
            sums[f"{code}_before"] = Sum(column, filter=before)
        row = rows.aggregate(**sums)
        for code, _column in columns:
            result[code] = (row[f"{code}_now"] or 0, row[f"{code}_before"] or 0)
    return result


def _labelled(parts: list[tuple[int, int]], labels: dict[int, str]) -> list[tuple[str, int]]:
    """(label, requests) largest first, zeros left out; id 0 is « sans partenaire »."""
    named = [
        (labels.get(key) or (_("Sans partenaire") if key == 0 else _("Inconnu")), n)
        for key, n in parts
        if n
    ]
    return sorted(named, key=lambda part: (-part[1], part[0]))


def _sites(scope: Scope, by_site: dict, with_people: bool) -> list[SiteActivity]:
    """Every site of the scope with its requests (and people) over the period, busiest first."""
    activity = {site: row for (site,), row in by_site.items()}
    busiest = max((row["requests"] for row in by_site.values()), default=0)
    rows = scope.sites.values_list(
        "pk", "name", "organisation__name", "commune__name", "latitude", "longitude"
    )
    sites = []
    for pk, name, organisation, commune, latitude, longitude in rows:
        row = activity.get(pk, {"requests": 0, "people_helped": 0})
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
                people=row["people_helped"] if with_people else None,
                radius=round(radius, 2),
            )
        )
    return sorted(sites, key=lambda s: (-s.requests, s.name))
