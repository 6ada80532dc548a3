"""The navigation's entry to the cases: shown to whoever has a side on them."""

from django import template

from maillon.access.rules import grants_of
from maillon.cases.selectors import is_referent

register = template.Library()


@register.simple_tag(takes_context=True)
def may_see_cases(context) -> bool:
    """Someone who records activity somewhere (his sites' cases) or an active referent."""
    user = context["request"].user
    if not user.is_authenticated:
        return False
    return grants_of(user).may_record_activity or is_referent(user)
