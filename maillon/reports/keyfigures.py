"""Key figures (« chiffres clés ») of a scope and a period, read from the rollups.

The indicators are those of the Union nationale des PIMMS' press releases (their codes are the
`indicator` codes of declared figures): reception points, sites recognised MSAP, sites labelled
France Services, requests accompanied, people accompanied by channel, outreach acts by place,
workshops and participants, employees, mediators who left and the positive exit rate.

Where the figures come from:
- a period **covered by Maillon** (the scope has activity in the rollups for it) is computed:
  requests, people and outreach from the monthly rollups (a few rows per site and month),
  workshops from their daily rollup, staff from `people`, labels from the label history;
- a period **before Maillon** shows the figures declared by a document for exactly this scope
  and period (`DeclaredFigure`, with its source), and what can still be computed (label history);
- a declared figure that contradicts the computed one, or another declaration of the same
  quantity, is shown and flagged — never silently replaced.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.activity.models import Channel, OutreachPlace
from maillon.labels.enums import AFNOR_SOCIAL_MEDIATION, FRANCE_SERVICES
from maillon.labels.selectors import organisations_certified_on, sites_labelled_on
from maillon.people.enums import POSITIVE_OUTCOMES, EmployeeRole, ExitOutcome
from maillon.people.models import Employee, Exit
from maillon.people.selectors import ExitRate, employees_in_scope
from maillon.reports import indicators
from maillon.reports.declared import compatible, declared_for, preferred
from maillon.reports.followups import FollowUpOutcomes, followup_outcomes
from maillon.reports.models import DeclaredFigure, FigureQualifier
from maillon.reports.periods import Period
from maillon.reports.scopes import Scope

COMPUTED, DECLARED, UNAVAILABLE = "computed", "declared", "unavailable"

# the indicators of the block (`maillon.reports.indicators`), in the order of the press release
KEY_FIGURES = (
    "reception_points",
    "msap_sites",
    "fs_sites",
    "requests",
    "defaulted_outcome_rate",
    "people_helped",
    "outreach_acts",
    "outreach_people",
    "workshops",
    "workshop_participants",
    "employees",
    "mediator_exits",
    "positive_exit_rate",
    "certified_organisations",  # last: the API lists figures in this order
)
# Computed on any period (history), whether or not Maillon covers it
ALWAYS_COMPUTED = ("fs_sites", "certified_organisations")
# Not held as detailed data: declared only
DECLARED_ONLY = ("msap_sites",)


@dataclass
class Figure:
    code: str
    value: Decimal | None = None
    qualifier: str = FigureQualifier.EXACT
    origin: str = UNAVAILABLE
    declared: DeclaredFigure | None = None
    # other declarations of the same quantity, and those that contradict the figure shown
    also_declared: list[DeclaredFigure] = field(default_factory=list)
    contradicted_by: list[DeclaredFigure] = field(default_factory=list)
    # (label, value) parts: people by channel, outreach acts by place
    parts: list[tuple[str, int]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return indicators.label(self.code)

    @property
    def available(self) -> bool:
        return self.value is not None

    @property
    def origin_label(self) -> str:
        if self.origin == DECLARED and self.declared is not None:
            return _("déclaré — %(source)s") % {"source": self.declared.source}
        if self.origin == COMPUTED:
            return _("calculé par Maillon")
        return _("non disponible")


@dataclass
class KeyFigures:
    scope: Scope
    period: Period
    labelled_on: datetime.date
    covered: bool  # Maillon holds activity of this scope for this period
    figures: dict[str, Figure]
    # what became of the follow-ups (none when Maillon holds no activity for the period)
    follow_ups: FollowUpOutcomes | None = None

    def __getitem__(self, code: str) -> Figure:
        return self.figures[code]

    def value(self, code: str) -> Decimal | None:
        return self.figures[code].value

    @property
    def contradictions(self) -> list[tuple[Figure, DeclaredFigure]]:
        """(figure shown, statement contradicting it): worded by the renderers."""
        return [(f, statement) for f in self.figures.values() for statement in f.contradicted_by]

    def as_dict(self) -> dict:
        """Plain numbers (for the API and the benchmark's comparison)."""
        return {code: figure.value for code, figure in self.figures.items()}


def default_labelled_on(period: Period) -> datetime.date:
    return min(period.end, timezone.localdate())


def key_figures(
    *, scope: Scope, period: Period, labelled_on: datetime.date | None = None
) -> KeyFigures:
    labelled_on = labelled_on or default_labelled_on(period)
    computed = _computed_activity(scope, period)
    covered = any(computed[code] for code in ("people_helped", "outreach_acts", "workshops"))
    computed.update(_computed_staff(scope, period) if covered else {})
    computed["fs_sites"] = _labelled(scope, labelled_on)
    computed["certified_organisations"] = organisations_certified_on(
        standard=AFNOR_SOCIAL_MEDIATION,
        day=labelled_on,
        sites=None if scope.unrestricted else scope.sites,
    )
    if covered:
        computed["reception_points"] = scope.sites.count()

    declared: dict[str, list[DeclaredFigure]] = defaultdict(list)
    for statement in declared_for(scope=scope, period=period):
        if statement.indicator in KEY_FIGURES:
            declared[statement.indicator].append(statement)

    figures: dict[str, Figure] = {}
    for code in KEY_FIGURES:
        figure = Figure(code=code)
        statements = declared.get(code, [])
        has_computed = code not in DECLARED_ONLY and (covered or code in ALWAYS_COMPUTED)
        if has_computed and computed.get(code) is not None:
            figure.value, figure.origin = Decimal(computed[code]), COMPUTED
            figure.parts = computed.get(f"{code}:parts", [])
            figure.also_declared = statements
            figure.contradicted_by = [s for s in statements if not _agrees(figure, s)]
        elif statements:
            chosen = preferred(statements)
            figure.value, figure.qualifier = chosen.value, chosen.qualifier
            figure.origin, figure.declared = DECLARED, chosen
            figure.also_declared = [s for s in statements if s is not chosen]
            figure.contradicted_by = [s for s in figure.also_declared if not _agrees(figure, s)]
        figures[code] = figure
    follow_ups = followup_outcomes(scope=scope, period=period) if covered else None
    return KeyFigures(scope, period, labelled_on, covered, figures, follow_ups)


# -- computation -------------------------------------------------------------------------------


def _computed_activity(scope: Scope, period: Period) -> dict:
    """Requests, people by channel, outreach by place, workshops: three grouped queries."""
    result: dict = {}
    by_channel = indicators.sums(scope, period, ("people_helped", "requests"), by=("channel",))
    channels = dict(Channel.objects.values_list("pk", "label"))
    result["requests"] = sum(row["requests"] for row in by_channel.values())
    result["people_helped"] = sum(row["people_helped"] for row in by_channel.values())
    parts = [(channels.get(key, "?"), row["people_helped"]) for (key,), row in by_channel.items()]
    result["people_helped:parts"] = _ordered(parts, Channel)

    outreach = ("outreach_acts", "outreach_people")
    by_place = indicators.sums(scope, period, outreach, by=("place",))
    places = dict(OutreachPlace.objects.values_list("pk", "label"))
    for code in outreach:
        result[code] = sum(row[code] for row in by_place.values())
    parts = [(places.get(key, "?"), row["outreach_acts"]) for (key,), row in by_place.items()]
    result["outreach_acts:parts"] = _ordered(parts, OutreachPlace)

    result |= indicators.sums(scope, period, ("workshops", "workshop_participants"))[()]
    defaulted = indicators.sums(scope, period, ("defaulted_outcomes",))[()]["defaulted_outcomes"]
    result["defaulted_outcome_rate"] = indicators.share_percent(defaulted, result["requests"])
    return result


def _ordered(parts: list[tuple[str, int]], taxonomy) -> list[tuple[str, int]]:
    """Parts in the taxonomy's order (its `position`), zeros left out."""
    order = {label: i for i, label in enumerate(taxonomy.objects.values_list("label", flat=True))}
    return sorted((p for p in parts if p[1]), key=lambda p: order.get(p[0], len(order)))


def scope_employees(scope: Scope):
    """Employees of a scope: of its organisations (network, structure) or of its sites."""
    if scope.kind == "network":
        return employees_in_scope(network=scope.network)
    if scope.kind == "organisation":
        return employees_in_scope(organisation=int(scope.code))
    if scope.kind == "all":
        return Employee.objects.all()
    return Employee.objects.filter(sites__in=scope.sites.values("pk")).distinct()


def _computed_staff(scope: Scope, period: Period) -> dict:
    """Employees under contract at some point of the period; mediators' exits in the period
    (the press release's « médiateurs ayant quitté le dispositif »)."""
    employees = scope_employees(scope)
    employed = employees.filter(
        Q(contracts__start_date__lte=period.end)
        & (Q(contracts__end_date__isnull=True) | Q(contracts__end_date__gte=period.start))
    )
    exits = Exit.objects.filter(
        employee__in=employees.filter(role=EmployeeRole.MEDIATOR).values("pk"),
        date__gte=period.start,
        date__lte=period.end,
    ).aggregate(
        total=Count("pk"),
        known=Count("pk", filter=~Q(outcome=ExitOutcome.UNKNOWN)),
        positive=Count("pk", filter=Q(outcome__in=POSITIVE_OUTCOMES)),
    )
    rate = ExitRate(exits=exits["total"], known=exits["known"], positive=exits["positive"])
    return {
        "employees": employed.values("pk").distinct().count(),
        "mediator_exits": rate.exits,
        "positive_exit_rate": rate.rate,
    }


def _labelled(scope: Scope, day: datetime.date) -> int:
    sites = None if scope.unrestricted else scope.sites
    return sites_labelled_on(programme=FRANCE_SERVICES, day=day, sites=sites).count()


# -- consistency -------------------------------------------------------------------------------


def _agrees(figure: Figure, statement: DeclaredFigure) -> bool:
    if figure.value is None:  # both callers set the value first
        return True
    return compatible((figure.value, figure.qualifier), (statement.value, statement.qualifier))
