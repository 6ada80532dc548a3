"""Template helpers of the label pages: « 1er janvier 2020 », and the data attributes of a
département row of the coverage table, which the coverage map reads its circles from."""

import datetime
import math
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

from maillon.core.dates import french_date
from maillon.labels.coverage import AreaCoverage, CoverageTable

register = template.Library()

MIN_RADIUS, MAX_RADIUS = 6.0, 26.0


@register.filter(name="date_fr")
def date_fr(day: datetime.date | None) -> str:
    return french_date(day)


def coverage_label(department: AreaCoverage, since: datetime.date | None) -> str:
    """« Aude : 3 points labellisés, 2 cantons couverts sur 19 » (and what is new since)."""
    sites = ngettext(
        "%(name)s : %(count)d point labellisé",
        "%(name)s : %(count)d points labellisés",
        department.sites,
    ) % {"name": department.name, "count": department.sites}
    cantons = ngettext(
        "%(covered)d canton couvert sur %(total)d",
        "%(covered)d cantons couverts sur %(total)d",
        department.cantons_covered,
    ) % {"covered": department.cantons_covered, "total": department.cantons_total}
    label = f"{sites}, {cantons}"
    if since:
        label += ngettext(
            " (depuis le %(date)s : %(new)d nouveau, cantons couverts +%(cantons)d)",
            " (depuis le %(date)s : %(new)d nouveaux, cantons couverts +%(cantons)d)",
            department.new,
        ) % {"date": french_date(since), "new": department.new, "cantons": department.cantons_new}
    return label


@register.simple_tag
def coverage_point(department: AreaCoverage, table: CoverageTable) -> SafeString:
    """` data-lat data-lon data-radius data-label` of a département with labelled located
    sites (the circle's area is proportional to its labelled sites), else nothing."""
    point = department.point
    if not department.sites or point is None:
        return mark_safe("")  # noqa: S308 -- empty
    largest = max(d.sites for d in table.departments)
    radius = max(MIN_RADIUS, MAX_RADIUS * math.sqrt(department.sites / largest))
    label = escape(coverage_label(department, table.since))
    return mark_safe(  # noqa: S308 -- numbers and an escaped label
        f' data-lat="{point[0]:f}" data-lon="{point[1]:f}" data-radius="{radius:.1f}"'
        f' data-label="{label}"'
    )
