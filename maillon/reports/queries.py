"""The rollup rows of a scope and a period: what every report reads (never the fact tables).

- monthly rollups (`VisitMonthlyRollup`: site × month × channel; `RequestMonthlyRollup`:
  site × month × partner × theme × channel; `OutreachMonthlyRollup`: site × month × place)
  serve key figures, dashboards and trends;
- daily rollups (`RequestDailyRollup` … with help given and outcome) serve the detailed
  reports of a few sites (partner report, monthly France Services report).

A missing optional dimension is stored as 0 in the rollups (no partner, no age band).
"""

from django.db.models import QuerySet

from maillon.activity.models import (
    OutreachDailyRollup,
    OutreachMonthlyRollup,
    RequestDailyRollup,
    RequestMonthlyRollup,
    VisitDailyRollup,
    VisitMonthlyRollup,
    WorkshopDailyRollup,
)
from maillon.reports.periods import Period
from maillon.reports.scopes import Scope


def _in_scope(rows: QuerySet, scope: Scope) -> QuerySet:
    if scope.unrestricted:
        return rows
    return rows.filter(site_id__in=scope.sites.values("pk"))


def visits_monthly(scope: Scope, period: Period) -> QuerySet[VisitMonthlyRollup]:
    rows = VisitMonthlyRollup.objects.filter(
        month__gte=period.first_month, month__lte=period.last_month
    )
    return _in_scope(rows, scope)


def requests_monthly(scope: Scope, period: Period) -> QuerySet[RequestMonthlyRollup]:
    rows = RequestMonthlyRollup.objects.filter(
        month__gte=period.first_month, month__lte=period.last_month
    )
    return _in_scope(rows, scope)


def _daily(model, scope: Scope, period: Period) -> QuerySet:
    return _in_scope(model.objects.filter(day__gte=period.start, day__lte=period.end), scope)


def requests_daily(scope: Scope, period: Period) -> QuerySet[RequestDailyRollup]:
    return _daily(RequestDailyRollup, scope, period)


def visits_daily(scope: Scope, period: Period) -> QuerySet[VisitDailyRollup]:
    return _daily(VisitDailyRollup, scope, period)


def outreach_monthly(scope: Scope, period: Period) -> QuerySet[OutreachMonthlyRollup]:
    """Outreach acts and people reached by site, month and place (no partner)."""
    rows = OutreachMonthlyRollup.objects.filter(
        month__gte=period.first_month, month__lte=period.last_month
    )
    return _in_scope(rows, scope)


def outreach_daily(scope: Scope, period: Period) -> QuerySet[OutreachDailyRollup]:
    """With the partner: nearly one row per act at a busy site, for a few sites' reports."""
    return _daily(OutreachDailyRollup, scope, period)


def workshops_daily(scope: Scope, period: Period) -> QuerySet[WorkshopDailyRollup]:
    """Workshops are a few rows per site and month: the daily rollup is small."""
    return _daily(WorkshopDailyRollup, scope, period)
