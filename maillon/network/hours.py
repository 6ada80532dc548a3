"""Opening hours in OpenStreetMap `opening_hours` syntax.

Parsing and evaluation are done by opening-hours-py; this module adds what the product needs
on top: the weekly schedule of a typical week, the weekly total, "open at", next opening, the
French rendering shown to citizens, and the conversion of free-text day hours
("09:00 - 12:00 / 13:30 - 17:00") into the OSM syntax.
"""

import datetime
import functools
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

# opening-hours-py raises ParserError but its stub file does not declare it.
from opening_hours import OpeningHours, ParserError, State  # type: ignore[attr-defined]

from maillon.network.holidays import holiday_dates, holidays_of

# A week with no public holiday in France, used to read "the usual week" of an expression.
REFERENCE_MONDAY = datetime.datetime(2025, 3, 10)  # noqa: DTZ001 - local wall-clock time
DAY_CODES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
MONTH_CODES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MINUTES_PER_DAY = 24 * 60
HOLIDAYS_CLOSED = "PH off"  # « fermé les jours fériés »
DEFAULT_TIMEZONE = ZoneInfo("Europe/Paris")


def site_zone(region_timezone: str | None, commune_timezone: str | None = None) -> ZoneInfo:
    """A site's time zone: its commune's own (`Commune.timezone`, set where a collectivity
    spans several zones: the Marquesas and Gambier in French Polynesia), else its region's
    (`Region.timezone`; empty or unknown region: metropolitan France). The one rule of the
    site's local day, for the desk, the API and the directory, whether they hold a model
    (`selectors.site_timezone`) or a raw row."""
    zone = commune_timezone or region_timezone
    return ZoneInfo(zone) if zone else DEFAULT_TIMEZONE


def day_names() -> tuple[str, ...]:
    return (
        _("lundi"),
        _("mardi"),
        _("mercredi"),
        _("jeudi"),
        _("vendredi"),
        _("samedi"),
        _("dimanche"),
    )


class HoursError(ValueError):
    """An expression or a free-text value that is not valid opening hours (French message)."""


@dataclass(frozen=True, order=True)
class TimeRange:
    """An opening range within one day, in minutes since midnight (end may be 1440)."""

    start: int
    end: int

    def __post_init__(self):
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise HoursError(
                _("La plage %(range)s n'est pas valide : la fin doit suivre le début.")
                % {"range": f"{_hhmm(self.start)}-{_hhmm(self.end)}"}
            )

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def osm(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"

    def french(self) -> str:
        return f"{_french_time(self.start)}–{_french_time(self.end)}"


WeekRanges = tuple[tuple[TimeRange, ...], ...]  # 7 days, Monday first


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _french_time(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


@functools.lru_cache(maxsize=8192)
def parse(expression: str) -> OpeningHours:
    """Parse an OSM expression (French public holidays apply to `PH`)."""
    if not expression or not expression.strip():
        raise HoursError(_("Aucun horaire n'est renseigné."))
    try:
        return _build(expression.strip())
    except (SyntaxError, ParserError) as exc:
        raise HoursError(
            _("Horaires illisibles « %(value)s » : %(reason)s")
            % {"value": expression, "reason": str(exc).splitlines()[0][:200]}
        ) from exc


# Holidays of the year before to three years after the moment asked: "next opening" looks up
# to 400 days ahead.
_HOLIDAY_YEARS = (-1, 3)


def with_local_holidays(expression: str, dates: str) -> str:
    """The expression with `PH` replaced by the given dates (`2026 Dec 25,2026 Dec 26`), the
    public holidays of the site's département rather than the national ones the parser knows;
    an expression that says nothing of public holidays gets `<dates> off`: a site is closed on
    public holidays unless its hours say otherwise (the France Services rule)."""
    rules, mentioned = [], False
    for rule in split_rules(expression):
        head, _space, tail = rule.partition(" ")
        selectors = head.split(",")
        if "PH" not in selectors:
            rules.append(rule)
            continue
        mentioned = True
        others = [selector for selector in selectors if selector != "PH"]
        if others:
            rules.append(f"{','.join(others)} {tail}".strip())
        if dates:
            rules.append(f"{dates} {tail}".strip())
    if not mentioned and dates:
        rules.append(f"{dates} off")
    return "; ".join(rules)


@functools.lru_cache(maxsize=8192)
def local_parse(expression: str, department: str, year: int) -> OpeningHours:
    """Parse an expression with the public holidays of `department` (INSEE code; "" for the
    national days) around `year`; see `with_local_holidays`."""
    parsed = parse(expression)
    first, last = _HOLIDAY_YEARS
    days = holiday_dates(department, range(year + first, year + last + 1))
    dates = ",".join(f"{d.year} {MONTH_CODES[d.month - 1]} {d.day:02d}" for d in days)
    try:
        return _build(with_local_holidays(expression, dates))
    except (SyntaxError, ParserError):  # a PH inside a rule the rewrite cannot follow
        return parsed


def _build(expression: str) -> OpeningHours:
    return OpeningHours(
        expression,
        country="FR",
        auto_country=False,
        auto_timezone=False,
        max_interval_days=400,
    )


@functools.lru_cache(maxsize=8192)
def ordinary_parse(expression: str) -> OpeningHours:
    """The expression on a day that is not a public holiday: its `PH` rules left out. Faster
    to evaluate than `local_parse` (no list of dates), so "open at" uses it on ordinary days."""
    parsed = parse(expression)
    plain = with_local_holidays(expression, "")
    try:
        return _build(plain) if plain else parsed
    except (SyntaxError, ParserError):
        return parsed


def is_valid(expression: str) -> bool:
    try:
        parse(expression)
    except HoursError:
        return False
    return True


_DATE = r"(\d{4}) (" + "|".join(MONTH_CODES) + r") (\d{1,2})"
# A rule for given dates only, as the hours editor writes its exceptions:
# `2026 Aug 03-2026 Aug 21 off "congés d'été"`, `2026 Dec 24 09:00-12:00`.
DATED_RULE = re.compile(rf'^{_DATE}(?:-{_DATE})? (off|closed|[0-9:,\-]+)(?: "(?P<label>[^"]*)")?$')
_RULE_TEXT = re.compile(r'(?:[^;"]|"[^"]*")+')  # up to a ";" that is not inside a "comment"


def split_rules(expression: str) -> list[str]:
    """The rules of an expression, in order; a `;` inside a comment does not split."""
    return [rule.strip() for rule in _RULE_TEXT.findall(expression) if rule.strip()]


@functools.lru_cache(maxsize=8192)
def weekly_ranges(expression: str) -> WeekRanges:
    """The opening ranges of each day of a usual week (Monday first).

    The usual week is the expression without its dated rules (a closure or special hours on
    given dates), evaluated on a week with no public holiday: a dated rule that happens to fall
    in that reference week must not change it.
    """
    parse(expression)  # the whole expression must be valid
    usual = "; ".join(rule for rule in split_rules(expression) if not DATED_RULE.match(rule))
    days: list[list[TimeRange]] = [[] for _day in range(7)]
    week_end = REFERENCE_MONDAY + datetime.timedelta(days=7)
    intervals = parse(usual).intervals(REFERENCE_MONDAY, week_end) if usual else []
    for start, end, state, _comment in intervals:
        if state != State.OPEN:
            continue
        cursor = max(start, REFERENCE_MONDAY)
        stop = min(end or week_end, week_end)
        while cursor < stop:
            day_start = datetime.datetime.combine(cursor.date(), datetime.time())
            day_stop = min(stop, day_start + datetime.timedelta(days=1))
            weekday = (cursor.date() - REFERENCE_MONDAY.date()).days
            first = int((cursor - day_start).total_seconds() // 60)
            last = int((day_stop - day_start).total_seconds() // 60)
            if last > first:
                days[weekday].append(TimeRange(first, last))
            cursor = day_stop
    return tuple(tuple(_merge(day)) for day in days)


def _merge(ranges: list[TimeRange]) -> list[TimeRange]:
    merged: list[TimeRange] = []
    for item in sorted(ranges):
        if merged and item.start <= merged[-1].end:
            merged[-1] = TimeRange(merged[-1].start, max(merged[-1].end, item.end))
        else:
            merged.append(item)
    return merged


def weekly_minutes(expression: str) -> int:
    return sum(r.minutes for day in weekly_ranges(expression) for r in day)


def days_open(expression: str) -> int:
    return sum(1 for day in weekly_ranges(expression) if day)


def _local(at: datetime.datetime, timezone: ZoneInfo) -> datetime.datetime:
    if at.tzinfo is None:
        raise ValueError("an aware datetime is required")
    return at.astimezone(timezone).replace(tzinfo=None)


def is_open(
    expression: str,
    at: datetime.datetime,
    *,
    timezone: ZoneInfo = DEFAULT_TIMEZONE,
    department: str = "",
) -> bool:
    """Open at `at`, public holidays of `department` included (see `with_local_holidays`)."""
    local = _local(at, timezone)
    if local.date() in holidays_of(department, local.year):
        return local_parse(expression, department, local.year).is_open(local)
    return ordinary_parse(expression).is_open(local)


def _no_holiday_between(department: str, first: datetime.date, last: datetime.date) -> bool:
    """No public holiday of `department` from `first` to `last` included: on those days an
    expression and its `ordinary_parse` say the same (its dated holiday rules match none)."""
    return not any(
        first <= day <= last
        for year in range(first.year, last.year + 1)
        for day in holidays_of(department, year)
    )


def _next_open_start(parsed: OpeningHours, local: datetime.datetime) -> datetime.datetime | None:
    for start, _end, state, _comment in parsed.intervals(local):
        if state == State.OPEN and start > local:
            return start
        if start - local > datetime.timedelta(days=400):
            return None
    return None


def next_opening(
    expression: str,
    at: datetime.datetime,
    *,
    timezone: ZoneInfo = DEFAULT_TIMEZONE,
    department: str = "",
) -> datetime.datetime | None:
    """The start of the next open period after `at` (aware, in `timezone`); None if never.
    Read on the ordinary expression (fast) when no public holiday comes before that start,
    else on the expression with the public holidays of `department`."""
    local = _local(at, timezone)
    start = _next_open_start(ordinary_parse(expression), local)
    if start is None and _holidays_only_close(expression):
        return None  # public holidays only close: never open on ordinary days, never at all
    if start is None or not _no_holiday_between(department, local.date(), start.date()):
        start = _next_open_start(local_parse(expression, department, local.year), local)
    return start.replace(tzinfo=timezone) if start else None


@functools.lru_cache(maxsize=8192)
def _holidays_only_close(expression: str) -> bool:
    """Whether the public holidays can only close the site (`PH off`, or no `PH` at all: see
    `with_local_holidays`), so that it is never open when its ordinary days say closed."""
    for rule in split_rules(expression):
        head, _space, tail = rule.partition(" ")
        if "PH" in head.split(",") and tail.split(" ", 1)[0] not in ("off", "closed"):
            return False
    return True


def next_change(
    expression: str,
    at: datetime.datetime,
    *,
    timezone: ZoneInfo = DEFAULT_TIMEZONE,
    department: str = "",
) -> datetime.datetime | None:
    """The next moment the state changes (read like `next_opening`)."""
    local = _local(at, timezone)
    change = ordinary_parse(expression).next_change(local)
    if change is None or not _no_holiday_between(department, local.date(), change.date()):
        change = local_parse(expression, department, local.year).next_change(local)
    return change.replace(tzinfo=timezone) if change else None


def time_french(moment: datetime.time | datetime.datetime) -> str:
    """ "14 h", "9 h 30": the one way Maillon writes a time of day to citizens and users."""
    return _french_time(moment.hour * 60 + moment.minute)


def duration_french(minutes: int) -> str:
    """ "28 h 30" for 1710 minutes."""
    return _french_time(minutes)


def day_ranges_french(ranges: tuple[TimeRange, ...]) -> str:
    return ", ".join(r.french() for r in ranges) if ranges else _("fermé")


def render_french_lines(expression: str) -> list[tuple[str, str]]:
    """[(day name, "9 h–12 h, 13 h 30–17 h" or "fermé")] for the seven days of a usual week."""
    names = day_names()
    return [(names[i], day_ranges_french(day)) for i, day in enumerate(weekly_ranges(expression))]


def render_french(expression: str) -> str:
    """One line for the usual week, consecutive identical days grouped, closed days left out.

    >>> render_french("Mo 09:00-12:00,13:30-17:00")
    'lundi 9 h–12 h, 13 h 30–17 h'
    """
    names = day_names()
    parts = []
    for first, last, ranges in _day_groups(weekly_ranges(expression)):
        if not ranges:
            continue
        if first == last:
            label = names[first]
        elif last == first + 1:
            label = f"{names[first]} et {names[last]}"
        else:
            label = _("du %(first)s au %(last)s") % {"first": names[first], "last": names[last]}
        parts.append(f"{label} {day_ranges_french(ranges)}")
    return " ; ".join(parts) if parts else _("fermé")


def _day_groups(week: WeekRanges) -> list[tuple[int, int, tuple[TimeRange, ...]]]:
    groups: list[tuple[int, int, tuple[TimeRange, ...]]] = []
    for index, ranges in enumerate(week):
        if groups and groups[-1][2] == ranges and groups[-1][1] == index - 1:
            groups[-1] = (groups[-1][0], index, ranges)
        else:
            groups.append((index, index, ranges))
    return groups


def week_to_osm(
    week: WeekRanges | list[tuple[TimeRange, ...]], *, unknown_days: tuple[int, ...] = ()
) -> str:
    """Build a canonical OSM expression from a week of ranges ("Mo-Fr 09:00-12:00; Sa …").

    `unknown_days` (0 = Monday) are written as `unknown`, so that a day whose hours could not be
    read is neither shown as closed nor as open.
    """
    by_hours: dict[tuple[TimeRange, ...], list[int]] = {}
    for index, ranges in enumerate(week):
        if ranges:
            by_hours.setdefault(tuple(ranges), []).append(index)
    rules = []
    for ranges, days in sorted(by_hours.items(), key=lambda item: item[1][0]):
        selector = _day_selector(days)
        rules.append(f"{selector} {','.join(r.osm() for r in ranges)}")
    if unknown_days:
        rules.append(f'{_day_selector(sorted(unknown_days))} unknown "horaires à vérifier"')
    return "; ".join(rules) if rules else "closed"


def _day_selector(days: list[int]) -> str:
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAY_CODES[run[0]]}-{DAY_CODES[run[-1]]}")
        else:
            parts.extend(DAY_CODES[day] for day in run)
    return ",".join(parts)


_TIME = r"(\d{1,2})\s*(?:[:hH.]\s*(\d{2})?)?"
_RANGE = re.compile(rf"^{_TIME}\s*(?:-|–|—|à|a)\s*{_TIME}$")
_SEPARATORS = re.compile(r"\s*(?:/|;|,|\bet\b|&|\+)\s*")


def parse_day_text(text: str) -> tuple[TimeRange, ...]:
    """Read the free-text hours of one day ("09:00 - 12:00 / 13:30 - 17:00", "9h-12h").

    Ranges that touch ("9h-12h, 12h-14h") are one opening and are returned merged, as the usual
    week shows them. Raises HoursError with the reason when the text is not a list of valid,
    ordered, non-overlapping ranges.
    """
    cleaned = " ".join((text or "").split())
    if not cleaned:
        return ()
    ranges = []
    for chunk in _SEPARATORS.split(cleaned):
        match = _RANGE.match(chunk)
        if not match:
            raise HoursError(_("« %(chunk)s » n'est pas une plage horaire") % {"chunk": chunk})
        h1, m1, h2, m2 = (int(g) if g else 0 for g in match.groups())
        if h1 > 24 or h2 > 24 or m1 > 59 or m2 > 59:
            raise HoursError(_("« %(chunk)s » contient une heure impossible") % {"chunk": chunk})
        ranges.append(TimeRange(h1 * 60 + m1, h2 * 60 + m2))
    ranges = sorted(set(ranges))  # an exact duplicate ("9-12 / 9-12") is a copy slip
    for before, after in zip(ranges, ranges[1:], strict=False):
        if after.start < before.end:
            raise HoursError(
                _("Les plages %(a)s et %(b)s se chevauchent")
                % {"a": before.osm(), "b": after.osm()}
            )
    return tuple(_merge(ranges))
