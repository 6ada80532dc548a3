"""Template helpers of the report pages: French numbers, and whether the user has a report
scope (the « Tableaux de bord » link of the main navigation)."""

from django import template

from maillon.accounts.perms import sites_visible_to
from maillon.labels.perms import networks_administered_by
from maillon.reports.charts import format_number

register = template.Library()


@register.filter
def french_number(value) -> str:
    """1234567 → « 1 234 567 », 12.5 → « 12,5 », None → « — »."""
    return format_number(value)


@register.simple_tag(takes_context=True)
def has_report_scope(context) -> bool:
    """True when `scope_choices` would offer the user a scope (usually one query, memoised
    on the request): partner viewers and anonymous visitors have none."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not (user.is_authenticated and user.is_active):
        return False
    cached = getattr(request, "_maillon_has_report_scope", None)
    if cached is None:
        cached = (
            user.is_superuser
            or sites_visible_to(user).exists()
            or networks_administered_by(user).exists()
        )
        request._maillon_has_report_scope = cached
    return cached
