"""Template helpers of the report pages: French numbers, and whether the user may read any
report (the « Rapports » link of the main navigation)."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from maillon.access.rules import may_read_reports
from maillon.reports.rendering.numbers import format_number, percent

register = template.Library()


@register.filter
def french_number(value) -> str:
    """1234567 → « 1 234 567 », 12.5 → « 12,5 », None → « — »."""
    return format_number(value)


@register.filter
def french_percent(value, signed: str = "") -> str:
    """0.125 → « 12,5 % » (`|french_percent:"signed"`: « +12,5 % »), None → « — »."""
    return percent(value, signed=bool(signed))


@register.simple_tag
def map_site_rows(sites) -> SafeString:
    """The rows of the table under the dashboard's map, one per site (the map reads its points
    from them). Built here with f-strings rather than in a template loop: a national scope has
    ~3,000 sites, and the loop took more than a second to render."""
    requests_word = escape(_("demandes"))
    rows = []
    for site in sites:
        name, requests = escape(site.name), format_number(site.requests)
        point = ""
        if site.latitude is not None and site.longitude is not None:
            point = (
                f' data-lat="{site.latitude:f}" data-lon="{site.longitude:f}"'
                f' data-radius="{site.radius:g}" data-name="{name}"'
                f' data-label="{name} : {requests} {requests_word}"'
            )
        rows.append(
            f'<tr class="map-site"{point}><th scope="row">{name}</th>'
            f'<td>{escape(site.commune)}</td><td class="num">{requests}</td>'
            f'<td class="num">{format_number(site.people)}</td></tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 -- every value above is escaped


@register.simple_tag(takes_context=True)
def can_read_reports(context) -> bool:
    """True when the reports home would open for the user: he has a scope (`scope_choices`
    would offer one) or is a partner viewer. Usually one query, memoised on the request;
    anonymous visitors have none."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not (user.is_authenticated and user.is_active):
        return False
    cached = getattr(request, "_maillon_can_read_reports", None)
    if cached is None:
        cached = may_read_reports(user)
        request._maillon_can_read_reports = cached
    return cached
