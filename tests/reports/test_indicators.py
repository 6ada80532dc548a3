"""The indicator registry: one definition per figure, the rollup each is read from, and the
same numbers through `indicators.sums` as through the reports that use it."""

import datetime

import pytest

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
