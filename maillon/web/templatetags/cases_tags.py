"""The cases in templates: the navigation's entry (whoever has a side on them) and the
« Transmettre au partenaire » links of a visit's requests."""

from django import template

from maillon.access.rules import grants_of
from maillon.activity import taxonomy
from maillon.cases.selectors import is_referent
from maillon.cases.services import TRANSMITTED

register = template.Library()


@register.simple_tag(takes_context=True)
def may_see_cases(context) -> bool:
    """Someone who records activity somewhere (his sites' cases) or an active referent."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return grants_of(user).may_record_activity or is_referent(user)


@register.simple_tag
def transmit_rows(visit) -> list[tuple[object, bool]]:
    """The requests of a visit (already fetched with it), each with whether it was sent to
    the partner (its outcome says so: no query)."""
    term = taxonomy.term_by_code("outcome", TRANSMITTED)
    sent_id = term.id if term else None
    return [(r, r.outcome_id == sent_id) for r in visit.requests.all()]
