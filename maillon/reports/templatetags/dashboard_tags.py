"""Template helpers of the report pages: French numbers, and whether the user may read any
report (the « Rapports » link of the main navigation)."""

from django import template

from maillon.accounts.perms import partner_ids_viewable_by, sites_visible_to
from maillon.labels.perms import networks_administered_by
from maillon.reports.charts import format_number

register = template.Library()


@register.filter
def french_number(value) -> str:
    """1234567 → « 1 234 567 », 12.5 → « 12,5 », None → « — »."""
    return format_number(value)


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
        cached = (
            user.is_superuser
            or sites_visible_to(user).exists()
            or networks_administered_by(user).exists()
            or partner_ids_viewable_by(user).exists()
        )
        request._maillon_can_read_reports = cached
    return cached
