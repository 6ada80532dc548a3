"""The indicator registry: one definition per figure, the rollup each is read from, and the
same numbers through `indicators.sums` as through the reports that use it."""

import datetime
import json

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from maillon.accounts.models import User
from maillon.activity.models import RequestMonthlyRollup
from maillon.reports import indicators
from maillon.reports.dashboards import HEADLINES
from maillon.reports.indicators import (
    INDICATORS,
    OUTREACH_DAILY,
    OUTREACH_MONTHLY,
    REQUESTS_DAILY,
    REQUESTS_MONTHLY,
    VISITS_DAILY,
    VISITS_MONTHLY,
    Indicator,
    Source,
)
from maillon.reports.keyfigures import KEY_FIGURES, key_figures
from maillon.reports.periods import Period
from maillon.reports.scopes import scope_get
from tests.reports.test_key_figures import world  # noqa: F401 — the fixture


def test_every_figure_of_every_report_is_defined_once_in_the_registry():
    assert set(KEY_FIGURES) <= set(INDICATORS)
    assert set(HEADLINES) <= set(INDICATORS)
    assert len({str(indicator.label) for indicator in INDICATORS.values()}) == len(INDICATORS)


@pytest.mark.parametrize(
    ("code", "dimensions", "rollup"),
    [
        ("requests", (), VISITS_MONTHLY),  # the visit rollup: a few rows per site and month
        ("requests", ("channel",), VISITS_MONTHLY),
        ("requests", ("partner",), REQUESTS_MONTHLY),
        ("requests", ("theme", "month"), REQUESTS_MONTHLY),
        ("requests", ("help_kind",), REQUESTS_DAILY),
        ("people_helped", ("day",), VISITS_DAILY),
        ("outreach_acts", (), OUTREACH_MONTHLY),
        ("outreach_acts", ("partner",), OUTREACH_DAILY),
    ],
)
def test_the_cheapest_rollup_carrying_the_dimensions_is_chosen(code, dimensions, rollup):
    assert INDICATORS[code].source_for(dimensions).rollup is rollup


def test_an_indicator_the_dimensions_cannot_split_has_no_source():
    assert INDICATORS["people_helped"].source_for({"partner"}) is None  # visits have no partner
    assert INDICATORS["workshops"].source_for({"channel"}) is None
    assert INDICATORS["employees"].source_for() is None  # computed from people, not a rollup
    assert "partner" not in INDICATORS["people_helped"].splits


def test_sums_agree_with_the_key_figures(world):  # noqa: F811
    scope = scope_get(user=world.head, key="network:pimms")
    period = Period.year(2025)
    figures = key_figures(scope=scope, period=period, labelled_on=datetime.date(2025, 12, 31))
    codes = ("requests", "people_helped")
    (totals,) = indicators.sums(scope, period, codes).values()
    assert totals == {code: int(figures.value(code)) for code in codes}
    # grouped by site: the groups add up to the total, from the visit rollup
    by_site = indicators.sums(scope, period, codes, by=("site",))
    assert sum(row["requests"] for row in by_site.values()) == totals["requests"]
    # the daily rollups give the same whole-month totals (requests and people apart: the
    # daily visit rollup does not hold requests)
    for code in codes:
        (daily,) = indicators.sums(scope, period, (code,), daily=True).values()
        assert daily == {code: totals[code]}


def test_indicators_of_different_rollups_are_not_summed_together(world):  # noqa: F811
    scope = scope_get(user=world.head, key="network:pimms")
    with pytest.raises(ValueError, match="one rollup"):
        indicators.sums(scope, Period.year(2025), ("requests", "workshops"))
    with pytest.raises(ValueError, match="one rollup"):
        indicators.sums(scope, Period.year(2025), ("people_helped",), where={"partner": 1})


def test_a_new_indicator_is_one_entry(world, monkeypatch):  # noqa: F811
    """E.g. « cases » sent to partners: one entry naming its rollup column, and every report
    reading the registry can sum it (here on an existing column, for the test)."""
    cases = Indicator(
        "cases", "Dossiers transmis", sources=(Source(REQUESTS_MONTHLY, "follow_ups"),)
    )
    monkeypatch.setitem(INDICATORS, "cases", cases)
    scope = scope_get(user=world.head, key="network:pimms")
    (row,) = indicators.sums(scope, Period.year(2025), ("cases", "follow_ups")).values()
    assert row["cases"] == row["follow_ups"]
    assert cases.splits >= {"partner", "theme", "channel", "month", "site"}


def _defaulted_rows(world):  # noqa: F811
    """Two of the world's monthly request rollup rows given defaulted outcomes (the rest 0)."""
    RequestMonthlyRollup.objects.update(defaulted_outcomes=0)
    rows = RequestMonthlyRollup.objects.filter(site_id=world.site_a.pk).order_by("pk")
    first, second = rows[0], rows[1]
    RequestMonthlyRollup.objects.filter(pk=first.pk).update(defaulted_outcomes=1)
    RequestMonthlyRollup.objects.filter(pk=second.pk).update(defaulted_outcomes=2)
    return first, second


def test_a_sparse_indicator_gives_the_sum_of_every_row(world):  # noqa: F811
    """`defaulted_outcomes` is summed over its non-zero rows only (a partial index holds
    them): the same totals as over every row, whole or filtered by a partner."""
    first, _second = _defaulted_rows(world)
    scope = scope_get(user=world.head, key="network:pimms")
    period = Period.year(2025)
    every_row = RequestMonthlyRollup.objects.filter(site_id__in=scope.sites.values("pk"))
    assert every_row.filter(defaulted_outcomes=0).exists()  # zeros left out, and some not
    (row,) = indicators.sums(scope, period, ("defaulted_outcomes",)).values()
    assert row == {"defaulted_outcomes": every_row.aggregate(n=Sum("defaulted_outcomes"))["n"]}
    assert row["defaulted_outcomes"] == 3
    partner = {"partner": first.partner_id}
    (row,) = indicators.sums(scope, period, ("defaulted_outcomes",), where=partner).values()
    everything = every_row.filter(partner_id=first.partner_id).aggregate(
        n=Sum("defaulted_outcomes")
    )
    assert row == {"defaulted_outcomes": everything["n"]}
    # beside a figure that is not sparse, every row counts: nothing is filtered
    codes = ("requests", "defaulted_outcomes")  # both from the request rollup, by partner
    (row,) = indicators.sums(scope, period, codes, where=partner).values()
    by_partner = every_row.filter(partner_id=first.partner_id)
    assert row["requests"] == by_partner.aggregate(n=Sum("requests"))["n"]
    assert by_partner.filter(defaulted_outcomes=0).exists()


@pytest.mark.postgresql
def test_the_defaulted_outcomes_sum_reads_the_partial_index(world):  # noqa: F811
    """At 10 M requests the monthly request rollup holds ≈ 3 M rows: summing the defaulted
    outcomes over all of them made the key figures of all sites over a year take ≈ 1 s. The
    query's predicate must be the partial index's, so the planner can read only those rows."""
    _defaulted_rows(world)
    admin = User.objects.create_superuser(username="installation", password="x")
    scope = scope_get(user=admin, key="all:")  # every site: no site filter to choose by
    with CaptureQueriesContext(connection) as captured:
        indicators.sums(scope, Period.year(2025), ("defaulted_outcomes",))
    (query,) = captured.captured_queries
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        # on a tiny table the full (month, site) index costs the same: without it (rolled back),
        # the partial index is chosen only if the query's predicate implies the index's
        cursor.execute("DROP INDEX activity_reqmonth_month_site")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {query['sql']}")
        plan = json.dumps(cursor.fetchone()[0])
    assert "activity_reqmonth_defaulted" in plan
