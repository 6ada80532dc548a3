"""Periods with optional bounds (validity of a taxonomy value, a membership, a partner…)."""

import datetime

from django.db import models
from django.db.models import Q


def in_force_on(day: datetime.date, *, start: str = "valid_from", end: str = "valid_until") -> Q:
    """Rows whose period [`start`, `end`] contains `day`; an empty bound is open."""
    return (Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": day})) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day})
    )


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
