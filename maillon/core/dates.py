"""Dates as French readers write them: « 1er janvier 2020 », « 30 septembre 2020 »."""

import datetime

from django.utils import formats
from django.utils.translation import gettext as _


def french_date(day: datetime.date | None) -> str:
    """« 1er janvier 2020 » (the ordinal on the first of the month), « 14 octobre 2020 »;
    "" for None."""
    if day is None:
        return ""
    text = formats.date_format(day, "j F Y")
    return _("1er") + text[1:] if day.day == 1 else text
