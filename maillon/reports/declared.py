"""Declared figures: which ones a report shows, and whether two statements can both be true."""

from decimal import Decimal

from django.db.models import QuerySet

from maillon.reports.models import DeclaredFigure, FigureQualifier, FigureScope
from maillon.reports.periods import Period

# When a document states the same quantity several ways, the report shows the most precise.
QUALIFIER_PREFERENCE = (FigureQualifier.EXACT, FigureQualifier.AT_LEAST, FigureQualifier.ABOUT)
ABOUT_TOLERANCE = Decimal("0.1")


def bounds(value: Decimal, qualifier: str) -> tuple[Decimal, Decimal | None]:
    """The interval a statement allows: exact → [v, v], at least → [v, ∞), about → ±10 %."""
    if qualifier == FigureQualifier.AT_LEAST:
        return value, None
    if qualifier == FigureQualifier.ABOUT:
        return value * (1 - ABOUT_TOLERANCE), value * (1 + ABOUT_TOLERANCE)
    return value, value


def compatible(a: tuple[Decimal, str], b: tuple[Decimal, str]) -> bool:
    """Whether two statements (value, qualifier) of the same quantity can both be true."""
    low_a, high_a = bounds(*a)
    low_b, high_b = bounds(*b)
    return (high_a is None or low_b <= high_a) and (high_b is None or low_a <= high_b)


def figures_compatible(a: DeclaredFigure, b: DeclaredFigure) -> bool:
    return compatible((a.value, a.qualifier), (b.value, b.qualifier))


def declared_for(*, scope, period: Period) -> QuerySet[DeclaredFigure]:
    """Whole (not broken-down) figures declared for exactly this scope and period."""
    figures = DeclaredFigure.objects.filter(
        period_start=period.start, period_end=period.end, total__isnull=True, breakdown=""
    )
    if scope.kind == "network":
        return figures.filter(scope_type=FigureScope.NETWORK, network=scope.network)
    if scope.kind in ("region", "department", "organisation", "site"):
        return figures.filter(scope_type=scope.kind, scope_code=scope.code)
    return figures.filter(scope_type=FigureScope.NATIONAL)


def preferred(figures: list[DeclaredFigure]) -> DeclaredFigure:
    """The most precise statement, the latest entered among equals."""
    return min(figures, key=lambda f: (QUALIFIER_PREFERENCE.index(f.qualifier), -(f.pk or 0)))
