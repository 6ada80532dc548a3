"""Template filters of opening hours, written one way everywhere (« 14 h », « 9 h 30 »)."""

import datetime

from django import template

from maillon.network import hours

register = template.Library()


@register.filter
def french_time(moment: datetime.time | datetime.datetime | None) -> str:
    """ "14 h", "9 h 30" (a datetime is read in its own time zone)."""
    return hours.time_french(moment) if moment is not None else ""
