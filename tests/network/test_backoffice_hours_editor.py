"""The hours editor's conversion to and from OSM, and the stops' recurrences, by property."""

import datetime
from dataclasses import replace

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from maillon.network import hours
from maillon.network.hours_editor import (
    FIRST_YEAR,
    EditorHours,
    Exception_,
    PublicHolidays,
    editor_from_osm,
)
from maillon.network.recurrence import Recurrence, recurrence_parse, schedule_french
from maillon.web.network.forms import HoursEditorForm


@st.composite
def day_ranges(draw, min_size: int = 0) -> tuple[hours.TimeRange, ...]:
    """0 to 3 ordered ranges on a 15-minute grid from 00:00 to 24:00, as the editor keeps them:
    ranges that touch are one opening ("9h-12h, 12h-14h" is read as 09:00-14:00)."""
    count = draw(st.integers(min_size, 3))
    points = sorted(draw(st.sets(st.integers(0, 96), min_size=2 * count, max_size=2 * count)))
    return tuple(
        hours.TimeRange(points[i] * 15, points[i + 1] * 15) for i in range(0, len(points), 2)
    )


# Any date the OSM syntax can hold, and often one in the week the usual week is read from.
_REFERENCE_DAY = hours.REFERENCE_MONDAY.date()
exception_days = st.one_of(
    st.dates(
        _REFERENCE_DAY - datetime.timedelta(days=3), _REFERENCE_DAY + datetime.timedelta(days=9)
    ),
    st.dates(datetime.date(FIRST_YEAR, 1, 1), datetime.date(9999, 12, 1)),
)
# What the "Motif affiché" field keeps: up to 80 characters, stripped (a `"` becomes `'`,
# tested on its own below).
labels = st.text(
    st.characters(exclude_categories=("Cc", "Cs"), exclude_characters='"'), max_size=80
).map(str.strip)


@st.composite
def exceptions(draw) -> Exception_:
    start = draw(exception_days)
    length = draw(st.one_of(st.none(), st.integers(1, 60)))
    return Exception_(
        start=start,
        end=start + datetime.timedelta(days=length) if length else None,
        ranges=draw(day_ranges()),
        label=draw(labels),
    )


def posted(editor: EditorHours) -> dict[str, str]:
    """What the browser sends back when the editor's form is submitted as it was shown."""
    return {
        name: value.isoformat() if isinstance(value, datetime.date) else str(value or "")
        for name, value in HoursEditorForm.initial_from(editor, version=1).items()
    }


def saved(data: dict[str, str]) -> str:
    form = HoursEditorForm(data)
    assert form.is_valid(), form.errors
    return form.expression


EXCEPTION_IN_REFERENCE_WEEK = EditorHours(
    week=[(), (), (), (), (), (), ()],
    public_holidays=PublicHolidays.CLOSED,
    exceptions=[Exception_(start=datetime.date(2025, 3, 10), ranges=(hours.TimeRange(15, 30),))],
)


@settings(max_examples=100, deadline=None)
@given(
    week=st.lists(day_ranges(), min_size=7, max_size=7),
    holidays=st.sampled_from(
        [PublicHolidays.CLOSED, PublicHolidays.AS_USUAL, PublicHolidays.HOURS]
    ),
    holiday_ranges=day_ranges(min_size=1),
    dated=st.lists(exceptions(), max_size=3),
)
# The counter-example this test found: an exception inside the week the usual week is read
# from (2025-03-10) came back as the usual Monday. Then, once labels were drawn as typed: a
# `;` in a label split the exception in two and it was dropped on the next save.
@example(
    week=EXCEPTION_IN_REFERENCE_WEEK.week,
    holidays=PublicHolidays.CLOSED,
    holiday_ranges=(hours.TimeRange(540, 720),),
    dated=EXCEPTION_IN_REFERENCE_WEEK.exceptions,
)
@example(
    week=[(hours.TimeRange(540, 720),)] * 5 + [(), ()],
    holidays=PublicHolidays.AS_USUAL,
    holiday_ranges=(hours.TimeRange(540, 720),),
    dated=[Exception_(start=datetime.date(2026, 8, 3), label="congés ; réouverture le 24")],
)
def test_editor_round_trip(week, holidays, holiday_ranges, dated):
    """The week a manager saves is the week he reads back, in the form and in the stored
    expression; saving that form again changes nothing."""
    editor = EditorHours(
        week=week,
        public_holidays=holidays,
        holiday_ranges=holiday_ranges if holidays == PublicHolidays.HOURS else (),
        exceptions=dated,
    )
    expression = saved(posted(editor))
    assert expression == editor.osm()
    assert hours.is_valid(expression)
    back = editor_from_osm(expression)
    assert back == replace(editor, exceptions=sorted(dated, key=lambda e: e.start))
    assert hours.weekly_ranges(expression) == tuple(week)
    assert saved(posted(back)) == expression


def test_an_exception_in_the_reference_week_leaves_the_usual_week_alone():
    expression = EXCEPTION_IN_REFERENCE_WEEK.osm()
    assert expression == "Mo-Su off; PH off; 2025 Mar 10 00:15-00:30"
    back = editor_from_osm(expression)
    assert back.week == [()] * 7
    assert back.exceptions == EXCEPTION_IN_REFERENCE_WEEK.exceptions
    assert saved(posted(back)) == expression


def test_touching_ranges_are_saved_as_one_opening():
    data = posted(EditorHours(week=[()] * 7))
    expression = saved({**data, "mo": "9h-12h, 12h-14h"})
    assert expression == "Mo 09:00-14:00; PH off"
    assert saved(posted(editor_from_osm(expression))) == expression


def test_a_quote_in_a_label_is_kept_as_an_apostrophe():
    data = posted(EditorHours(week=[()] * 7))
    data.update(exc0_start="2026-08-03", exc0_label='fermeture "exceptionnelle"')
    expression = saved(data)
    assert expression == "Mo-Su off; PH off; 2026 Aug 03 off \"fermeture 'exceptionnelle'\""
    assert editor_from_osm(expression).exceptions[0].label == "fermeture 'exceptionnelle'"


@pytest.mark.parametrize("typed", ["0025-08-03", "1899-12-31"], ids=["year-25", "year-1899"])
def test_a_date_before_1900_is_refused_at_its_field(typed):
    data = posted(EditorHours(week=[(hours.TimeRange(540, 720),)] + [()] * 6))
    form = HoursEditorForm({**data, "exc0_start": typed})
    assert not form.is_valid()
    assert form.errors["exc0_start"] == ["Indiquez une date à partir de l'année 1900."]
    assert not hasattr(form, "expression")


@pytest.mark.parametrize(
    "rule",
    ["PH 22:00-02:00", "2026 Feb 31 off", "2026 Aug 03 09:00-12:00,10:00-11:00"],
    ids=["ph-past-midnight", "no-such-day", "overlapping-ranges"],
)
def test_valid_rules_the_form_cannot_show_are_listed_not_lost(rule):
    expression = f"Mo-Fr 09:00-12:00; {rule}"
    assert hours.is_valid(expression)
    back = editor_from_osm(expression)
    assert back.unsupported == [rule]
    assert back.week == [(hours.TimeRange(540, 720),)] * 5 + [(), ()]


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
