"""The hours editor and public holidays; stops and times in the words citizens read."""

import datetime
import zoneinfo

from maillon.network import hours
from maillon.network.hours_editor import EditorHours, PublicHolidays, editor_from_osm
from maillon.network.recurrence import schedule_sentence

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
CHRISTMAS_10 = datetime.datetime(2026, 12, 25, 10, 0, tzinfo=PARIS)
MORNINGS = (hours.TimeRange(540, 720),)


def test_hours_silent_on_holidays_show_the_closed_default():
    assert editor_from_osm("Mo-Fr 09:00-12:00").public_holidays == PublicHolidays.CLOSED
    assert not hours.is_open("Mo-Fr 09:00-12:00", CHRISTMAS_10)


def test_open_as_usual_is_written_out_and_read_back():
    week = [MORNINGS] * 5 + [(), ()]
    expression = EditorHours(week=week, public_holidays=PublicHolidays.AS_USUAL).osm()
    assert expression == "Mo-Fr 09:00-12:00; PH Mo-Fr 09:00-12:00"
    assert hours.is_open(expression, CHRISTMAS_10)
    assert not hours.is_open(expression, CHRISTMAS_10.replace(hour=13))
    editor = editor_from_osm(expression)
    assert editor.public_holidays == PublicHolidays.AS_USUAL and editor.unsupported == []
    assert editor.osm() == expression
    assert hours.weekly_ranges(expression) == hours.weekly_ranges("Mo-Fr 09:00-12:00")


def test_stop_schedules_in_plain_french():
    assert schedule_sentence("Tu[2,4] 09:00-12:00") == "les 2e et 4e mardis du mois, 9 h–12 h"
    assert schedule_sentence("Fr[-1] 14:00-17:00") == "le dernier vendredi du mois, 14 h–17 h"
    assert schedule_sentence("We 09:00-12:00") == "chaque mercredi, 9 h–12 h"
    assert schedule_sentence("Mo-Fr 09:30-12:00") == "du lundi au vendredi 9 h 30–12 h"


def test_times_are_written_one_way():
    assert hours.time_french(datetime.time(14, 0)) == "14 h"
    assert hours.time_french(datetime.time(9, 30)) == "9 h 30"
    assert hours.time_french(datetime.datetime(2026, 12, 1, 9, 5, tzinfo=PARIS)) == "9 h 05"
