"""Benchmark of key figures (figures, not tests): rollups through HTTP against a raw GROUP BY.

`maillon bench reports` fills a PostgreSQL database of its own with the official geography, the
2,843 France Services sites, the PIMMS network on them (network and structure levels, with its
staff) and ~10 M generated requests (the activity generator), starts gunicorn, then for each
scope level (all sites, the network, a région, a département, a structure, a site) and period
(year, quarter, month) times `GET /api/v1/reports/key-figures` over loopback and, in the same
run, the raw GROUP BY over the fact tables that gives the same numbers. It prints p50/p95 per
query and the ratio, and fails if any number differs; then it times the dashboard page of each
scope over the year (figures only: a page has no raw equivalent).
"""

from django.db.models import Count, Sum

from maillon.activity.models import OutreachAct, Request, Visit, Workshop
from maillon.reports.indicators import INDICATORS
from maillon.reports.keyfigures import KEY_FIGURES
from maillon.reports.periods import Period
from maillon.reports.scopes import Scope

# The figures both ways give: those read from the rollups (the staff and label figures are not
# activity: the same code path either way)
COMPARED = tuple(code for code in KEY_FIGURES if INDICATORS[code].sources)


def raw_key_figures(*, scope: Scope, period: Period) -> dict[str, int]:
    """The activity key figures computed on the fact tables (GROUP BY channel / place)."""

    def facts(model, site_field: str = "site_id", day_field: str = "day"):
        rows = model.objects.filter(
            **{f"{day_field}__gte": period.start, f"{day_field}__lte": period.end}
        )
        if not scope.unrestricted:
            rows = rows.filter(**{f"{site_field}__in": scope.sites.values("pk")})
        return rows

    visits = facts(Visit).values("channel_id").annotate(n=Count("pk")).order_by()
    requests = (
        facts(Request, "visit__site_id", "visit__day")
        .values("visit__channel_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    outreach = (
        facts(OutreachAct)
        .values("place_id")
        .annotate(n=Count("pk"), people=Sum("people_reached"))
        .order_by()
    )
    workshops = facts(Workshop).aggregate(n=Count("pk"), people=Sum("participants"))
    return {
        "requests": sum(row["n"] for row in requests),
        "people_helped": sum(row["n"] for row in visits),
        "outreach_acts": sum(row["n"] for row in outreach),
        "outreach_people": sum(row["people"] or 0 for row in outreach),
        "workshops": workshops["n"] or 0,
        "workshop_participants": workshops["people"] or 0,
    }
