"""Template filters of the label pages: « 1er janvier 2020 »."""

import datetime

from django import template

from maillon.core.dates import french_date

register = template.Library()


@register.filter(name="date_fr")
def date_fr(day: datetime.date | None) -> str:
    return french_date(day)
