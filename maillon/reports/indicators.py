"""The indicator registry: each figure the reports show, defined once.

An indicator has a code (the `indicator` code of declared figures), a French label, a unit and
where it comes from — the rollup column(s) summed for it, or the function that computes it. Key
figures, dashboards, the partner and monthly reports and the API all read their labels and
their sources here, so a figure means the same everywhere and a new one is one entry, e.g.

    Indicator("cases", gettext_lazy("Dossiers transmis aux partenaires"),
              sources=(Source(CASES_MONTHLY, "cases"),))

An indicator held by several rollups lists them cheapest first: `source_for(dimensions)` picks
the first whose rows carry every dimension asked (a filter, a breakdown, the day). Requests, for
instance, are summed from the visit rollup (site × month × channel, a few rows per site and
month) unless a partner or theme is asked, when the request rollup is needed.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from maillon.reports import queries
from maillon.reports.periods import Period
from maillon.reports.scopes import Scope

COUNT, PERCENT = "count", "percent"


@dataclass(frozen=True)
class Rollup:
    """A rollup table as reports read it: its rows for a scope and period, the dimensions its
    rows carry (`site`, `month` or `day`, `channel`, `partner`…) and its time column."""

    name: str
    rows: Callable[[Scope, Period], QuerySet]
    dimensions: frozenset[str]
    time: str  # "month" or "day"


def _rollup(name: str, rows, *dimensions: str) -> Rollup:
    time = "day" if "day" in dimensions else "month"
    return Rollup(name, rows, frozenset(("site", *dimensions)), time)


VISITS_MONTHLY = _rollup("visits_monthly", queries.visits_monthly, "month", "channel")
REQUESTS_MONTHLY = _rollup(
    "requests_monthly", queries.requests_monthly, "month", "partner", "theme", "channel"
)
OUTREACH_MONTHLY = _rollup("outreach_monthly", queries.outreach_monthly, "month", "place")
VISITS_DAILY = _rollup("visits_daily", queries.visits_daily, "day", "channel", "age_band")
REQUESTS_DAILY = _rollup(
    "requests_daily",
    queries.requests_daily,
    "day",
    "partner",
    "theme",
    "channel",
    "help_kind",
    "outcome",
)
OUTREACH_DAILY = _rollup("outreach_daily", queries.outreach_daily, "day", "place", "partner")
WORKSHOPS_DAILY = _rollup("workshops_daily", queries.workshops_daily, "day", "theme")


@dataclass(frozen=True)
class Source:
    rollup: Rollup
    column: str  # the rollup's column summed for the indicator
    # zero on most rows, with a partial index on the others: summed over those rows only (the
    # same sum, without reading every row of the period)
    sparse: bool = False


@dataclass(frozen=True)
class Indicator:
    code: str
    label: Promise | str
    unit: str = COUNT
    # the rollups holding it, cheapest first; empty: computed by `computed_by`, or declared only
    sources: tuple[Source, ...] = ()
    computed_by: str = ""  # where a figure not read from a rollup comes from (documentation)
    short_label: Promise | str | None = None  # a dashboard card's wording, when shorter
    splits: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        dimensions = set().union(*(source.rollup.dimensions for source in self.sources))
        object.__setattr__(self, "splits", frozenset(dimensions))

    def source_for(self, dimensions: Iterable[str] = ()) -> Source | None:
        """The cheapest rollup whose rows carry every dimension asked (None: none does, the
        figure cannot be split that way)."""
        wanted = set(dimensions)
        return next((s for s in self.sources if wanted <= s.rollup.dimensions), None)

    @property
    def card_label(self) -> str:
        return str(self.short_label or self.label)


def _summed(column: str, *rollups: Rollup, sparse: bool = False) -> tuple[Source, ...]:
    return tuple(Source(rollup, column, sparse) for rollup in rollups)


VISITS = (VISITS_MONTHLY, VISITS_DAILY)
REQUESTS = (REQUESTS_MONTHLY, REQUESTS_DAILY)
OUTREACH = (OUTREACH_MONTHLY, OUTREACH_DAILY)
_ = gettext_lazy

_REGISTRY = (
    Indicator("reception_points", _("Points d'accueil au public"), computed_by="scope's sites"),
    Indicator(
        "msap_sites",
        _("Reconnus Maisons de services au public (MSAP)"),
        computed_by="declared figures only",
    ),
    Indicator(
        "fs_sites",
        _("Labellisés France Services"),
        computed_by="the label history (labels.selectors.sites_labelled_on)",
    ),
    Indicator(
        "certified_organisations",
        _("Structures certifiées médiation sociale (AFNOR XP X60-600)"),
        computed_by="the certifications (labels.selectors.organisations_certified_on)",
    ),
    # the visit rollup holds every request of a visit: the cheapest source without a partner
    Indicator(
        "requests", _("Demandes accompagnées"), sources=_summed("requests", *VISITS[:1], *REQUESTS)
    ),
    Indicator("people_helped", _("Personnes accompagnées"), sources=_summed("visits", *VISITS)),
    Indicator("first_visits", _("dont première visite"), sources=_summed("first_visits", *VISITS)),
    Indicator("qpv_residents", _("dont habitants QPV"), sources=_summed("qpv_residents", *VISITS)),
    Indicator("follow_ups", _("Demandes à suivre"), sources=_summed("follow_ups", *REQUESTS)),
    # the desk applies the site's default outcome when the agent types none: not an observation
    Indicator(
        "defaulted_outcomes",
        _("Demandes dont l'issue est la valeur par défaut"),
        sources=_summed("defaulted_outcomes", *REQUESTS, sparse=True),
    ),
    Indicator(
        "defaulted_outcome_rate",
        _("Part des demandes dont l'issue n'a pas été saisie (%)"),
        unit=PERCENT,
        computed_by="defaulted_outcomes / requests, both from the request rollups",
    ),
    Indicator(
        "outreach_acts", _("Actes de médiation sortante"), sources=_summed("acts", *OUTREACH)
    ),
    Indicator(
        "outreach_people",
        _("Personnes touchées par la médiation sortante"),
        sources=_summed("people_reached", *OUTREACH),
        short_label=_("Personnes touchées hors les murs"),
    ),
    Indicator("workshops", _("Ateliers collectifs"), sources=_summed("workshops", WORKSHOPS_DAILY)),
    Indicator(
        "workshop_participants",
        _("Participants aux ateliers"),
        sources=_summed("participants", WORKSHOPS_DAILY),
    ),
    Indicator(
        "employees",
        _("Salariés"),
        computed_by="people: employees under contract during the period",
    ),
    Indicator(
        "mediator_exits",
        _("Médiateurs sortis du dispositif"),
        computed_by="people: mediators' exits during the period",
    ),
    Indicator(
        "positive_exit_rate",
        _("Taux de sorties positives (%)"),
        unit=PERCENT,
        computed_by="people: positive exits among exits of known outcome",
    ),
)
INDICATORS: dict[str, Indicator] = {indicator.code: indicator for indicator in _REGISTRY}


def label(code: str) -> str:
    return str(INDICATORS[code].label)


def share_percent(part: int, whole: int) -> Decimal | None:
    """`part` out of `whole` in percent, to one decimal (None when `whole` is 0)."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


def sums(
    scope: Scope,
    period: Period,
    codes: Iterable[str],
    *,
    by: tuple[str, ...] = (),
    where: dict | None = None,
    daily: bool = False,
) -> dict[tuple, dict[str, int]]:
    """{(values of the `by` dimensions…): {code: sum}} of indicators read from one rollup, in
    one query: the cheapest rollup carrying the `by` dimensions and those of `where` (a filter
    by dimension, e.g. {"partner": 3}); `daily`: a daily rollup (a site's detailed report).
    An empty group sums to 0; `by=()` gives {(): {…}}."""
    codes = tuple(codes)
    where = where or {}
    dimensions = {*by, *where, *(["day"] if daily else [])}
    found = [INDICATORS[code].source_for(dimensions) for code in codes]
    sources = [source for source in found if source is not None]
    rollups = {source.rollup for source in sources}
    if len(sources) != len(codes) or len(rollups) != 1:
        raise ValueError(f"{codes} are not read from one rollup by {by} and {sorted(where)}")
    (rollup,) = rollups
    rows = rollup.rows(scope, period).filter(
        **{_column(dimension): value for dimension, value in where.items()}
    )
    columns = {source.column for source in sources}
    if len(columns) == 1 and all(source.sparse for source in sources):
        rows = rows.exclude(**{columns.pop(): 0})  # the predicate of the rollup's partial index
    # aliased: an annotation may not take the name of a column (`requests`)
    totals = {
        f"sum_{code}": Sum(source.column) for code, source in zip(codes, sources, strict=True)
    }
    if not by:
        row = rows.aggregate(**totals)
        return {(): {code: row[f"sum_{code}"] or 0 for code in codes}}
    keys = [_column(dimension) for dimension in by]
    return {
        tuple(row[key] for key in keys): {code: row[f"sum_{code}"] or 0 for code in codes}
        for row in rows.values(*keys).annotate(**totals).order_by()
    }


def _column(dimension: str) -> str:
    """The rollup column of a dimension: `month`/`day` as they are, the others' ids."""
    return dimension if dimension in ("month", "day") else f"{dimension}_id"
