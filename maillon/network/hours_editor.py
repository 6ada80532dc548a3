"""The opening-hours editor's model: a usual week, public holidays and dated exceptions,
converted to and from the OSM `opening_hours` syntax stored on the site.

    week (7 days of ranges) ; PH off | PH <ranges> | PH <week> ; 2026 Aug 03-2026 Aug 21 off "…"

An expression that says nothing of public holidays is closed on them (`hours.with_local_holidays`),
so "open as on an ordinary day" is written out: the week's rules again, for public holidays
(`PH Mo-Fr 09:00-12:00`: a public holiday falling on a weekday, the hours of that weekday).

Later rules override earlier ones in OSM, so exceptions come last.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from maillon.network import hours

FIRST_YEAR = 1900  # the OSM syntax has no earlier year
_PH = re.compile(r"^PH (off|closed|[0-9:,\-]+)$")
_PH_AS_USUAL = re.compile(r"^PH (?:Mo|Tu|We|Th|Fr|Sa|Su)")


class PublicHolidays:
    CLOSED = "closed"
    AS_USUAL = "usual"
    HOURS = "hours"


@dataclass
class Exception_:
    start: datetime.date
    end: datetime.date | None = None
    ranges: tuple[hours.TimeRange, ...] = ()  # empty = closed
    label: str = ""

    def __post_init__(self):
        if self.start.year < FIRST_YEAR:
            raise hours.HoursError(
                _("Indiquez une date à partir de l'année %(year)s.") % {"year": FIRST_YEAR}
            )

    def osm(self) -> str:
        when = _osm_date(self.start)
        if self.end and self.end != self.start:
            when += "-" + _osm_date(self.end)
        what = ",".join(r.osm() for r in self.ranges) if self.ranges else "off"
        label = self.label.replace('"', "'").strip()
        return f"{when} {what}" + (f' "{label}"' if label else "")


@dataclass
class EditorHours:
    week: list[tuple[hours.TimeRange, ...]]
    public_holidays: str = PublicHolidays.CLOSED
    holiday_ranges: tuple[hours.TimeRange, ...] = ()
    exceptions: list[Exception_] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)  # rules read but not editable

    def osm(self) -> str:
        rules = [hours.week_to_osm(self.week)]
        if self.public_holidays == PublicHolidays.CLOSED:
            rules.append("PH off")
        elif self.public_holidays == PublicHolidays.HOURS and self.holiday_ranges:
            rules.append("PH " + ",".join(r.osm() for r in self.holiday_ranges))
        elif self.public_holidays == PublicHolidays.AS_USUAL and rules[0] != "closed":
            rules.extend(f"PH {rule}" for rule in hours.split_rules(rules[0]))
        rules.extend(e.osm() for e in sorted(self.exceptions, key=lambda e: e.start))
        if rules[0] == "closed" and len(rules) > 1:
            rules[0] = "Mo-Su off"
        return "; ".join(rules)


def _osm_date(day: datetime.date) -> str:
    return f"{day.year} {hours.MONTH_CODES[day.month - 1]} {day.day:02d}"


def _date(year: str, month: str, day: str) -> datetime.date:
    return datetime.date(int(year), hours.MONTH_CODES.index(month) + 1, int(day))


def _ranges(text: str) -> tuple[hours.TimeRange, ...]:
    return () if text in ("off", "closed") else hours.parse_day_text(text)


def editor_from_osm(expression: str) -> EditorHours:
    """Read a stored expression into the editor. The usual week comes from evaluating it
    without its dated rules; the PH and dated rules the editor writes are read back; anything
    else is listed in `unsupported` so the manager knows it will be replaced."""
    if not expression or not hours.is_valid(expression):
        return EditorHours(
            week=[() for _day in range(7)], unsupported=[expression] if expression else []
        )
    editor = EditorHours(
        week=list(hours.weekly_ranges(expression)), public_holidays=PublicHolidays.CLOSED
    )
    for rule in hours.split_rules(expression):
        try:
            _read_rule(editor, rule)
        except ValueError:  # valid OSM the form cannot show: "PH 22:00-02:00", "2026 Feb 31"
            editor.unsupported.append(rule)
    return editor


def _read_rule(editor: EditorHours, rule: str) -> None:
    if _PH_AS_USUAL.match(rule):
        editor.public_holidays = PublicHolidays.AS_USUAL
    elif match := _PH.match(rule):
        ranges = _ranges(match[1])
        editor.public_holidays = PublicHolidays.HOURS if ranges else PublicHolidays.CLOSED
        editor.holiday_ranges = ranges
    elif match := hours.DATED_RULE.match(rule):
        start = _date(*match.groups()[0:3])
        end = _date(*match.groups()[3:6]) if match[4] else None
        editor.exceptions.append(
            Exception_(start=start, end=end, ranges=_ranges(match[7]), label=match["label"] or "")
        )
    elif "unknown" in rule or '"' in rule:
        editor.unsupported.append(rule)


def weekly_total(editor: EditorHours) -> int:
    return sum(r.minutes for day in editor.week for r in day)
