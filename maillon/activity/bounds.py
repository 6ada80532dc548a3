"""The bounds of every number of the activity, and the one check that the desk's forms, the
services behind the API and the import all call.

A bound is a named range with its French message. The services check it (`Bound.error`), the
forms attach it as a field validator and as the `min`/`max` of the input (`Bound.__call__`),
the import reads the cell with `Bound.parse`: one rule, one message, three doors.

The highest values are far above what a desk sees (a workshop of 500 people, an outreach act
reaching 500 at once) and far below what could overflow a sum: the rollups are 64-bit, and
a site-month of outreach at the bound would need millions of acts to reach 2³¹.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MAX_VISIT_MINUTES = 600  # ten hours: one person helped during a whole working day
MAX_REQUESTS = 20  # requests (demandes) in one visit
MAX_PEOPLE_REACHED = 500  # people reached by one outreach act (a stand, a bus, a market)
MAX_PARTICIPANTS = 500  # participants of one workshop
MAX_WORKSHOP_MINUTES = 600  # a workshop lasts at most a working day
MAX_TITLE_LENGTH = 200  # characters of a workshop's title (the column's length)
EARLIEST_DAY = datetime.date(2000, 1, 1)  # no activity is recorded before this day
CLOCK_SKEW = datetime.timedelta(minutes=5)  # a moment this far ahead of the server is "now"

_INTEGER = re.compile(r"[0-9]{1,12}")  # ASCII digits: `str.isdigit()` accepts « ² »


@dataclass(frozen=True)
class Bound:
    """An inclusive range of integers and the French sentence that states it. An optional
    value may be missing (None); a required one may not."""

    low: int
    high: int
    message: Promise  # with %(low)d and %(high)d
    optional: bool = False

    @property
    def text(self) -> str:
        return str(self.message) % {"low": self.low, "high": self.high}

    def error(self, value: int | None) -> str | None:
        """The French message if `value` is out of range (or missing while required)."""
        if value is None:
            return None if self.optional else self.text
        return None if self.low <= value <= self.high else self.text

    def __call__(self, value: int | None) -> None:
        """As a Django validator (form fields)."""
        if (message := self.error(value)) is not None:
            raise ValidationError(message, code="out_of_bounds")

    def parse(self, text: str) -> int | None:
        """A cell of an import: an integer written in ASCII digits and in range (None when
        empty and optional); ValueError with the French message otherwise."""
        text = text.strip()
        value = int(text) if _INTEGER.fullmatch(text) else None
        if (value is None and text) or self.error(value) is not None:
            raise ValueError(self.text)
        return value


VISIT_MINUTES = Bound(
    0,
    MAX_VISIT_MINUTES,
    _("La durée doit être comprise entre %(low)d et %(high)d minutes."),
    optional=True,
)
REQUESTS = Bound(1, MAX_REQUESTS, _("Un passage comporte entre %(low)d et %(high)d demandes."))
PEOPLE_REACHED = Bound(
    1,
    MAX_PEOPLE_REACHED,
    _("Le nombre de personnes touchées doit être compris entre %(low)d et %(high)d."),
)
PARTICIPANTS = Bound(
    1,
    MAX_PARTICIPANTS,
    _("Le nombre de participants doit être compris entre %(low)d et %(high)d."),
)
WORKSHOP_MINUTES = Bound(
    0,
    MAX_WORKSHOP_MINUTES,
    _("La durée doit être comprise entre %(low)d et %(high)d minutes."),
    optional=True,
)
