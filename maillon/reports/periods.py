"""Reporting periods: whole calendar months, from a first month to a last month.

Reports read the monthly rollups, so a period is a run of whole months: a month, a quarter, a
year or any range of months. Users write them as `2024`, `2024-T2`, `2024-03` or
`2024-01..2024-06`; a period that ends before it starts is refused with a French message.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# ASCII digits only: `\d` alone also matches other scripts' digits (« ٢٠٢٤ »).
_YEAR = re.compile(r"^(\d{4})$", re.ASCII)
_QUARTER = re.compile(r"^(\d{4})-[TQ]([1-4])$", re.IGNORECASE | re.ASCII)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$", re.ASCII)

# The years a report may cover. Outside them a period is refused with a French message, so no
# computation on it (its end, the period before it) leaves the calendar `datetime` can hold.
FIRST_YEAR, LAST_YEAR = 1990, 2100


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """From the first day of `first_month` to the last day of `last_month`."""

    first_month: datetime.date
    last_month: datetime.date
    # False only for `previous()`: the period before a supported one may start before
    # FIRST_YEAR (it then holds no activity); it is computed, never typed by a user.
    checked: bool = field(default=True, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.first_month.day != 1 or self.last_month.day != 1:
            raise ValueError("period bounds must be first days of months")
        if self.checked and not (
            self.first_month.year >= FIRST_YEAR and self.last_month.year <= LAST_YEAR
        ):
            raise ValidationError(
                _("La période doit être comprise entre %(first)d et %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR},
                code="period_out_of_range",
            )
        if self.last_month < self.first_month:
            raise ValidationError(
                _("La période se termine avant de commencer."), code="period_reversed"
            )

    # -- constructors --------------------------------------------------------------------
    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        first = datetime.date(year, 3 * (quarter - 1) + 1, 1)
        return cls(first, add_months(first, 2))

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        first = datetime.date(year, month, 1)
        return cls(first, first)

    @classmethod
    def between(cls, first: datetime.date, last: datetime.date) -> "Period":
        """The whole months covering `first` … `last`."""
        return cls(first_of_month(first), first_of_month(last))

    @classmethod
    def parse(cls, text: str) -> "Period":
        """`2024`, `2024-T2` (or `2024-Q2`), `2024-03`, or two of these joined by `..`."""
        text = (text or "").strip()
        if ".." in text:
            start, _sep, end = text.partition("..")
            return cls(cls.parse(start).first_month, cls.parse(end).last_month)
        try:
            if m := _YEAR.match(text):
                return cls.year(int(m[1]))
            if m := _QUARTER.match(text):
                return cls.quarter(int(m[1]), int(m[2]))
            if m := _MONTH.match(text):
                return cls.month(int(m[1]), int(m[2]))
        except ValueError:  # a month 13 or 00 (a year out of range is a ValidationError)
            pass
        raise ValidationError(
            _(
                "Période « %(text)s » non reconnue : écrivez une année (2024), un trimestre "
                "(2024-T2), un mois (2024-03) ou deux bornes (2024-01..2024-06)."
            )
            % {"text": text},
            code="period_invalid",
        )

    # -- reading -------------------------------------------------------------------------
    @property
    def start(self) -> datetime.date:
        return self.first_month

    @property
    def end(self) -> datetime.date:
        return add_months(self.last_month, 1) - datetime.timedelta(days=1)

    @property
    def months(self) -> list[datetime.date]:
        months, month = [], self.first_month
        while month <= self.last_month:
            months.append(month)
            month = add_months(month, 1)
        return months

    @property
    def month_count(self) -> int:
        return (
            (self.last_month.year - self.first_month.year) * 12
            + (self.last_month.month - self.first_month.month)
            + 1
        )

    def previous(self) -> "Period":
        """The period of the same length just before (the comparison of reports)."""
        n = self.month_count
        return Period(
            add_months(self.first_month, -n), add_months(self.last_month, -n), checked=False
        )

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    @property
    def is_year(self) -> bool:
        return self.first_month.month == 1 and self.month_count == 12

    @property
    def code(self) -> str:
        """The canonical text form, accepted back by `parse`."""
        if self.is_year:
            return str(self.first_month.year)
        if self.month_count == 3 and self.first_month.month % 3 == 1:
            return f"{self.first_month.year}-T{(self.first_month.month - 1) // 3 + 1}"
        if self.month_count == 1:
            return f"{self.first_month:%Y-%m}"
        return f"{self.first_month:%Y-%m}..{self.last_month:%Y-%m}"

    @property
    def label(self) -> str:
        """French wording: « année 2024 », « 2e trimestre 2024 », « mars 2024 », « de … à … »."""
        if self.is_year:
            return _("année %(year)d") % {"year": self.first_month.year}
        if self.month_count == 3 and self.first_month.month % 3 == 1:
            quarter = (self.first_month.month - 1) // 3 + 1
            ordinal = _("1er") if quarter == 1 else _("%(n)de") % {"n": quarter}
            return _("%(ordinal)s trimestre %(year)d") % {
                "ordinal": ordinal,
                "year": self.first_month.year,
            }
        if self.month_count == 1:
            return date_format(self.first_month, "F Y")
        return _("de %(start)s à %(end)s") % {
            "start": date_format(self.first_month, "F Y"),
            "end": date_format(self.last_month, "F Y"),
        }

    def __str__(self) -> str:
        return self.label
