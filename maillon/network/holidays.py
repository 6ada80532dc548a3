"""French public holidays by département, from the maintained `holidays` library.

The national days hold everywhere; Alsace-Moselle (57, 67, 68) adds Good Friday and
26 December, each overseas département and collectivity its own days (abolition of slavery,
local festivals). The library names the days in French (« Noël », « Abolition de l'esclavage »).
"""

import datetime
import functools

import holidays as holidays_library

# Département (INSEE code) → subdivision of `holidays.France`; the others have the national days.
SUBDIVISIONS = {
    "57": "57",
    "67": "6AE",
    "68": "6AE",
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "975": "PM",
    "976": "976",
    "977": "BL",
    "978": "MF",
    "986": "WF",
    "987": "PF",
    "988": "NC",
}


@functools.lru_cache(maxsize=512)
def holidays_of(department: str, year: int) -> dict[datetime.date, str]:
    """The public holidays of a département in a year, with their French names."""
    calendar = holidays_library.country_holidays(
        "FR", subdiv=SUBDIVISIONS.get(department or ""), years=year, language="fr"
    )
    return dict(sorted(calendar.items()))


def holiday_name(department: str, day: datetime.date) -> str:
    """« Noël » on 25 December; "" on a day that is not a public holiday there."""
    return holidays_of(department, day.year).get(day, "")


def holiday_dates(department: str, years: range) -> list[datetime.date]:
    return [day for year in years for day in holidays_of(department, year)]
