"""Recurring schedules of stops and permanences ("2e et 4e lundis du mois, 9 h–12 h").

The editor writes a small subset of the OSM syntax — `Mo[2,4],We 09:00-12:00` — and reads it
back; anything else is kept as typed and shown as is.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from maillon.network import hours

WEEKS = ("1", "2", "3", "4", "5", "-1")
_RULE = re.compile(
    r"^(?P<days>(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:,(?:Mo|Tu|We|Th|Fr|Sa|Su))*)"
    r"(?:\[(?P<weeks>-?\d(?:,-?\d)*)\])?\s+(?P<ranges>\d\d:\d\d-\d\d:\d\d(?:,\d\d:\d\d-\d\d:\d\d)*)$"
)


@dataclass(frozen=True)
class Recurrence:
    days: tuple[int, ...]  # 0 = Monday
    weeks: tuple[str, ...]  # "1".."5", "-1" (last); empty = every week
    ranges: tuple[hours.TimeRange, ...]

    def osm(self) -> str:
        suffix = f"[{','.join(self.weeks)}]" if self.weeks else ""
        days = ",".join(hours.DAY_CODES[d] for d in self.days)
        if suffix:
            days = ",".join(f"{hours.DAY_CODES[d]}{suffix}" for d in self.days)
        return f"{days} {','.join(r.osm() for r in self.ranges)}"

    def french(self) -> str:
        names = hours.day_names()
        plural = len(self.weeks) > 1
        days = _(" et ").join(names[d] + ("s" if plural else "") for d in self.days)
        if self.weeks:
            ordinals = [
                _("dernier") if w == "-1" else (_("1er") if w == "1" else f"{w}e")
                for w in self.weeks
            ]
            when = _("%(weeks)s %(days)s du mois") % {
                "weeks": _(" et ").join(
                    [", ".join(ordinals[:-1]), ordinals[-1]] if len(ordinals) > 1 else ordinals
                ),
                "days": days,
            }
        else:
            when = _("chaque %(days)s") % {"days": days}
        return f"{when}, {hours.day_ranges_french(self.ranges)}"

    def sentence(self) -> str:
        """For citizens, with its article: « les 2e et 4e mardis du mois, 9 h–12 h »,
        « le dernier vendredi du mois, 14 h–17 h », « chaque mardi, 9 h–12 h »."""
        if not self.weeks:
            return self.french()
        article = _("les") if len(self.weeks) > 1 else _("le")
        return f"{article} {self.french()}"


def recurrence_parse(schedule: str) -> Recurrence | None:
    """Read back a schedule written by the editor; None for any other expression."""
    match = _RULE.match((schedule or "").strip().replace("] ", "] ").strip())
    if match is None:
        # "Mo[2,4],We[2,4] 09:00-12:00": the same weeks repeated after each day
        compact = re.sub(r"(Mo|Tu|We|Th|Fr|Sa|Su)(\[[-\d,]+\])(?=,)", r"\1", schedule or "")
        match = _RULE.match(compact.strip())
        if match is None:
            return None
    days = tuple(hours.DAY_CODES.index(code) for code in match["days"].split(","))
    weeks = tuple(match["weeks"].split(",")) if match["weeks"] else ()
    ranges = hours.parse_day_text(match["ranges"])
    return Recurrence(days=days, weeks=weeks, ranges=ranges)


def schedule_french(schedule: str) -> str:
    recurrence = recurrence_parse(schedule)
    return recurrence.french() if recurrence else schedule


def schedule_sentence(schedule: str) -> str:
    """The schedule for citizens (`Recurrence.sentence`); another valid expression in the
    words of `hours.render_french`; anything else as typed."""
    recurrence = recurrence_parse(schedule)
    if recurrence is not None:
        return recurrence.sentence()
    return hours.render_french(schedule) if hours.is_valid(schedule) else schedule
