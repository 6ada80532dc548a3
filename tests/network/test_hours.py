import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillon.network import hours
from maillon.network.hours import HoursError, TimeRange
from maillon.network.hours_editor import Exception_

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00 - 12:00 / 13:30 - 17:00", ((540, 720), (810, 1020))),
        ("13:30 - 17:00", ((810, 1020),)),
        ("9h-12h", ((540, 720),)),
        ("9h30 à 12h, 14h - 17h30", ((570, 720), (840, 1050))),
        ("08:30 - 11:30 / 08:30 - 11:30", ((510, 690),)),  # exact duplicate: a copy slip
        ("9h-12h, 12h-14h", ((540, 840),)),  # touching ranges are one opening
        ("0h-24h", ((0, 1440),)),
        ("", ()),
    ],
    ids=[
        "two-ranges",
        "afternoon",
        "9h-12h",
        "french-words",
        "duplicate",
        "touching",
        "whole-day",
        "empty",
    ],
)
def test_parse_day_text(text, expected):
    assert tuple((r.start, r.end) for r in hours.parse_day_text(text)) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("00:00 - 00:00", "la fin doit suivre le début"),
        ("09:00 - 12:00 / 09:00 - 17:30", "se chevauchent"),
        ("17:00 - 09:00", "la fin doit suivre le début"),
        ("fermé le matin", "n'est pas une plage horaire"),
        ("25:00 - 26:00", "heure impossible"),
    ],
    ids=["zero-range", "overlap", "reversed", "prose", "impossible-hour"],
)
def test_parse_day_text_explains_what_it_cannot_read(text, reason):
    with pytest.raises(HoursError, match=reason):
        hours.parse_day_text(text)


def test_week_to_osm_groups_days_and_round_trips():
    week = [
        hours.parse_day_text("13:30 - 17:00"),
        *[hours.parse_day_text("09:00 - 12:00 / 13:30 - 17:00")] * 3,
        hours.parse_day_text("09:00 - 12:00 / 13:30 - 16:00"),
        (),
        (),
    ]
    expression = hours.week_to_osm(week)
    assert expression == (
        "Mo 13:30-17:00; Tu-Th 09:00-12:00,13:30-17:00; Fr 09:00-12:00,13:30-16:00"
    )
    assert hours.is_valid(expression)
    assert hours.weekly_ranges(expression) == tuple(tuple(day) for day in week)
    assert hours.weekly_minutes(expression) == 210 + 3 * 390 + 330
    assert hours.days_open(expression) == 5


def test_unknown_days_are_neither_open_nor_closed():
    expression = hours.week_to_osm(
        [(TimeRange(540, 720),), (), (), (), (), (), ()], unknown_days=(1,)
    )
    assert expression == 'Mo 09:00-12:00; Tu unknown "horaires à vérifier"'
    tuesday = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=PARIS)
    assert not hours.is_open(expression, tuesday)
    assert hours.parse(expression).is_unknown(tuesday.replace(tzinfo=None))


def test_french_rendering():
    assert hours.render_french("Mo 09:00-12:00,13:30-17:00") == "lundi 9 h–12 h, 13 h 30–17 h"
    assert hours.render_french("Mo-Fr 09:00-12:00; Sa 09:30-12:00") == (
        "du lundi au vendredi 9 h–12 h ; samedi 9 h 30–12 h"
    )
    assert hours.render_french("Tu,We 14:00-17:00") == "mardi et mercredi 14 h–17 h"
    lines = hours.render_french_lines("Mo 09:00-12:00")
    assert lines[0] == ("lundi", "9 h–12 h")
    assert lines[6] == ("dimanche", "fermé")
    assert hours.duration_french(1710) == "28 h 30"


def test_open_at_and_next_opening():
    expression = "Mo-Fr 09:00-12:00,13:30-17:00"
    monday_10 = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=PARIS)
    monday_12_30 = monday_10.replace(hour=12, minute=30)
    friday_18 = datetime.datetime(2026, 11, 27, 18, 0, tzinfo=PARIS)
    assert hours.is_open(expression, monday_10)
    assert not hours.is_open(expression, monday_12_30)
    assert hours.next_opening(expression, monday_12_30) == monday_10.replace(hour=13, minute=30)
    assert hours.next_opening(expression, friday_18) == datetime.datetime(
        2026, 11, 30, 9, 0, tzinfo=PARIS
    )
    assert hours.next_change(expression, monday_10) == monday_10.replace(hour=12)
    # The same instant seen from UTC gives the same answer.
    assert hours.is_open(expression, monday_10.astimezone(datetime.UTC))


def test_public_holidays_are_french():
    expression = "Mo-Fr 09:00-17:00; PH off"
    christmas = datetime.datetime(2026, 12, 25, 10, 0, tzinfo=PARIS)
    assert not hours.is_open(expression, christmas)
    assert hours.is_open(expression, christmas - datetime.timedelta(days=1))


def _next_opening_on_local_days(expression, at, department):
    """The reference: the expression with the département's public holidays, read alone."""
    local = at.astimezone(PARIS).replace(tzinfo=None)
    parsed = hours.local_parse(expression, department, local.year)
    for start, _end, state, _comment in parsed.intervals(local):
        if state == hours.State.OPEN and start > local:
            return start.replace(tzinfo=PARIS)
        if start - local > datetime.timedelta(days=400):
            return None
    return None


@pytest.mark.parametrize(
    "expression",
    [
        "Mo-Fr 09:00-12:00,13:30-17:00; PH off",
        "Mo-Fr 09:00-17:00",  # says nothing of holidays: closed on them
        "Sa 10:00-12:00; PH 10:00-11:00",  # opens on public holidays
        "PH 09:00-12:00",  # opens on public holidays only
        'Mo-Fr unknown "horaires à vérifier"; PH off',  # never open
        "Mo-Fr 09:00-17:00; 2026 Dec 28-2027 Jan 08 off",
    ],
)
@pytest.mark.parametrize("department", ["", "57", "974"])
def test_next_opening_and_change_are_those_of_the_local_public_holidays(expression, department):
    """The ordinary days' expression is read first (fast); around public holidays the answer
    is the one of the expression with the département's days (26 December in Moselle)."""
    moments = [
        datetime.datetime(2026, 12, 24, 18, 0, tzinfo=PARIS),
        datetime.datetime(2026, 12, 25, 10, 0, tzinfo=PARIS),
        datetime.datetime(2027, 4, 1, 18, 0, tzinfo=PARIS),  # before Good Friday and Easter
        datetime.datetime(2026, 12, 3, 16, 0, tzinfo=PARIS),
        datetime.datetime(2026, 12, 31, 20, 0, tzinfo=PARIS),
    ]
    for at in moments:
        assert hours.next_opening(
            expression, at, timezone=PARIS, department=department
        ) == _next_opening_on_local_days(expression, at, department), at
        local = at.replace(tzinfo=None)
        change = hours.local_parse(expression, department, local.year).next_change(local)
        assert hours.next_change(expression, at, timezone=PARIS, department=department) == (
            change.replace(tzinfo=PARIS) if change else None
        ), at


def test_invalid_expression_gives_a_french_message():
    with pytest.raises(HoursError, match="Horaires illisibles"):
        hours.parse("lundi matin")
    with pytest.raises(HoursError, match="Aucun horaire"):
        hours.parse("  ")


minutes = st.integers(min_value=0, max_value=hours.MINUTES_PER_DAY // 15).map(lambda q: q * 15)


@st.composite
def day_ranges(draw):
    bounds = sorted(set(draw(st.lists(minutes, max_size=6))))
    if len(bounds) % 2:
        bounds = bounds[:-1]
    return tuple(TimeRange(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2))


_REFERENCE_DAY = hours.REFERENCE_MONDAY.date()


@given(
    week=st.lists(day_ranges(), min_size=7, max_size=7),
    dated=st.lists(
        st.builds(
            Exception_,
            start=st.dates(_REFERENCE_DAY, _REFERENCE_DAY + datetime.timedelta(days=6)),
            ranges=day_ranges(),
            label=st.sampled_from(["", "congés ; réouverture lundi"]),
        ),
        max_size=2,
    ),
)
def test_any_week_survives_the_osm_round_trip(week, dated):
    """The usual week read back is the week written, whatever dated exceptions follow it, even
    in the reference week the usual week is read from."""
    expression = "; ".join([hours.week_to_osm(week), *(e.osm() for e in dated)])
    assert hours.is_valid(expression)
    merged = tuple(tuple(hours._merge(list(day))) for day in week)
    assert hours.weekly_ranges(expression) == merged


def test_a_closure_in_the_reference_week_is_not_the_usual_week():
    expression = 'Mo-Fr 09:00-12:00; PH off; 2025 Mar 12 off "formation ; réouverture jeudi"'
    assert hours.split_rules(expression) == [
        "Mo-Fr 09:00-12:00",
        "PH off",
        '2025 Mar 12 off "formation ; réouverture jeudi"',
    ]
    assert hours.render_french(expression) == "du lundi au vendredi 9 h–12 h"
    assert hours.weekly_minutes(expression) == 5 * 180
    wednesday = datetime.datetime(2025, 3, 12, 10, 0, tzinfo=PARIS)
    assert not hours.is_open(expression, wednesday)  # the closure itself still applies
