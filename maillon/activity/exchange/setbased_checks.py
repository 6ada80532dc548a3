"""The set-based import's checks (`exchange.setbased`): the columns looked up through the
mapping table, the SQL of each check of a row in the portable path's order, and the UTC offsets
of a time zone on each day."""

import datetime
from collections.abc import Iterable

from maillon.activity import bounds

# The columns resolved through the mapping table → the SQL of the value looked up (an empty aide
# or issue takes the site's default, joined from DEFAULTS, as in `_parse_request`).
LOOKED_UP = {
    "point_accueil": "s.point_accueil",
    "date": "s.date",
    "heure": "s.heure",
    "canal": "s.canal",
    "tranche_age": "s.tranche_age",
    "qpv": "s.qpv",
    "premiere_visite": "s.premiere_visite",
    "duree": "s.duree",
    "partenaire": "s.partenaire",
    "theme": "s.theme",
    "aide": "s.aide",
    "issue": "s.issue",
    "suite": "s.suite",
}
VOCABULARY = {
    "canal": "channel",
    "tranche_age": "age_band",
    "partenaire": "partner",
    "theme": "theme",
    "aide": "help_kind",
    "issue": "outcome",
}


def _term_check(column: str, *, optional: bool) -> tuple[str, str]:
    """The term of `column` exists and is valid on the row's day (`Term.is_valid_on`)."""
    guard = f"x.{column} <> '' AND " if optional else ""
    return (
        column,
        f"{guard}NOT (x.ok_{column} AND (x.vf_{column} IS NULL OR x.vf_{column} <= x.day)"
        f" AND (x.vu_{column} IS NULL OR x.day <= x.vu_{column}))",
    )


# The checks of a row in the portable path's order (`_Assembler.row`, `_parse_visit`,
# `_parse_request`, `add_request`): (column, SQL true when the check fails). A row's problem is
# the index of its first failing check. A visit's rows must repeat its site, day, local time and
# channel (`_same_visit` compares the wall-clock times of one zone, not the instants).
CHECKS: list[tuple[str, str]] = [
    ("passage", "x.passage = ''"),
    ("passage", "x.pos = 0 AND x.run > x.first_run"),  # KEY_NOT_CONSECUTIVE
    ("point_accueil", "NOT x.ok_point_accueil"),
    ("date", "NOT x.ok_date"),
    ("heure", "NOT x.ok_heure"),
    _term_check("canal", optional=False),
    _term_check("tranche_age", optional=True),
    ("qpv", "NOT x.ok_qpv"),
    ("premiere_visite", "NOT x.ok_premiere_visite"),
    ("duree", "NOT x.ok_duree"),
    (
        "passage",  # KEY_OTHER_VISIT
        "x.pos > 0 AND (x.site_id, x.day, x.t, x.channel_id) IS DISTINCT FROM"
        " (x.h_site_id, x.h_day, x.h_t, x.h_channel_id)",
    ),
    ("theme", "x.theme = ''"),
    _term_check("partenaire", optional=True),
    _term_check("theme", optional=False),
    _term_check("aide", optional=True),
    ("aide", "x.aide = '' AND x.help_kind_id IS NULL"),  # no default: NO_DEFAULT
    _term_check("issue", optional=True),
    ("issue", "x.issue = '' AND x.outcome_id IS NULL"),
    ("suite", "NOT x.ok_suite"),
    ("passage", f"x.pos + 1 > {bounds.MAX_REQUESTS}"),
]
NOT_CONSECUTIVE, OTHER_VISIT, TOO_MANY = 1, 10, len(CHECKS) - 1


def zone_days(zone: datetime.tzinfo, days: Iterable[datetime.date]):
    """(day, offset before, offset after, local time of the switch) of each day. A local time
    gets the offset `datetime.replace(tzinfo=zone)` gives it (fold=0), so that a time skipped
    or repeated by a change of clock lands where the portable path puts it."""
    for day in days:
        start = datetime.datetime.combine(day, datetime.time(), tzinfo=zone)
        before = _seconds(start)
        after = _seconds(datetime.datetime.combine(day, datetime.time(23, 59), tzinfo=zone))
        switch = None
        if before != after:
            minute = next(
                m
                for m in range(24 * 60)
                if _seconds(start.replace(hour=m // 60, minute=m % 60)) == after
            )
            switch = datetime.time(minute // 60, minute % 60)
        yield day, before, after, switch


def _seconds(moment: datetime.datetime) -> int:
    offset = moment.utcoffset()
    assert offset is not None  # an aware datetime
    return int(offset.total_seconds())
