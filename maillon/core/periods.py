"""Periods with optional bounds (validity of a taxonomy value, a membership, a partner…).

"Valid on a day" has one definition, in two forms: `in_force_on` (a database filter, used by
`PeriodQuerySet.valid_on`) and `covers` (the same test on values already in memory: a model
instance, a cached vocabulary term). An empty bound is open; both bounds are inclusive.
"""

import datetime

from django.db import models
from django.db.models import Q


def in_force_on(day: datetime.date, *, start: str = "valid_from", end: str = "valid_until") -> Q:
    """Rows whose period [`start`, `end`] contains `day`; an empty bound is open."""
    return (Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": day})) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day})
    )


def covers(day: datetime.date, *, start: datetime.date | None, end: datetime.date | None) -> bool:
    """Whether the period [`start`, `end`] contains `day` (the in-memory `in_force_on`)."""
    return (start is None or start <= day) and (end is None or day <= end)


class PeriodQuerySet(models.QuerySet):
    """Rows with a validity period; `period_fields` names its bounds (start, end)."""

    period_fields: tuple[str, str] = ("valid_from", "valid_until")

    def valid_on(self, day: datetime.date):
        start, end = self.period_fields
        return self.filter(in_force_on(day, start=start, end=end))


def ordered_period_constraint(
    name: str, *, start: str = "valid_from", end: str = "valid_until"
) -> models.CheckConstraint:
    """The database refuses a period that ends before it starts (open bounds allowed)."""
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True})
        | Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__gte": models.F(start)}),
        name=name,
    )
