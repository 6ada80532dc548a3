import datetime

from django import template
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from maillon.directory.statement import cached_statement
from maillon.network import hours

register = template.Library()


@register.filter
def distance(km: float | None) -> str:
    """ "850 m", "2,3 km", "27 km" (French decimal comma)."""
    if km is None:
        return ""
    if km < 1:
        return f"{max(10, round(km * 1000, -1)):.0f} m"
    if km < 10:
        return f"{km:.1f} km".replace(".", ",")
    return f"{km:.0f} km"


@register.simple_tag
def when_text(moment: datetime.datetime | None, now: datetime.datetime) -> str:
    """ "aujourd'hui à 14 h", "demain à 9 h 30", "lundi 24 novembre à 9 h"."""
    if moment is None:
        return ""
    local_now = now.astimezone(moment.tzinfo) if moment.tzinfo else now
    time_text = hours.time_french(moment)
    days = (moment.date() - local_now.date()).days
    if days == 0:
        day_text = _("aujourd'hui")
    elif days == 1:
        day_text = _("demain")
    else:
        day_text = formats.date_format(moment, "l j F")
        if moment.day == 1:
            day_text = day_text.replace(" 1 ", " 1er ", 1)
    return _("%(day)s à %(time)s") % {"day": day_text, "time": time_text}


@register.filter
def french_date(day: datetime.date | None, with_weekday: bool = False) -> str:
    """ "1er septembre 2020", "lundi 24 novembre 2026" (with_weekday)."""
    if day is None:
        return ""
    text = formats.date_format(day, "l j F Y" if with_weekday else "j F Y")
    if day.day == 1:
        text = text.replace(" 1 ", " 1er ", 1) if with_weekday else "1er" + text[1:]
    return text


LEVELS = {
    "total": _lazy("Accessibilité : totalement conforme"),
    "partial": _lazy("Accessibilité : partiellement conforme"),
    "none": _lazy("Accessibilité : non conforme"),
}


@register.simple_tag
def accessibility_level() -> str:
    """The footer's mention (RGAA): the level of the last recorded audit."""
    statement = cached_statement()
    return str(LEVELS[statement.level if statement else "none"])
