"""Public reads of the directory: no account, public sites only."""

from django.db.models import Q, QuerySet

from maillon.geo.selectors import communes_for_postal_code, communes_search
from maillon.network.models import Site


def public_sites() -> QuerySet[Site]:
    return Site.objects.public().with_geography()


def public_site_search(*, text: str) -> tuple[QuerySet[Site], list]:
    """Public sites for a postal code, a commune name or a site name.

    Returns the sites and the communes the text was understood as (to explain the result).
    """
    text = text.strip()
    if not text:
        return Site.objects.none(), []
    if text.isdigit() and len(text) == 5:
        communes = communes_for_postal_code(postal_code=text)
        sites = public_sites().filter(Q(postal_code=text) | Q(commune__in=communes))
        return sites.order_by("name"), communes
    communes = communes_search(text=text, limit=10)
    exact = [c for c in communes if getattr(c, "match_rank", 2) == 0] or communes[:3]
    sites = public_sites().filter(
        Q(commune__in=exact) | Q(commune__parent__in=exact) | Q(name__icontains=text)
    )
    return sites.order_by("name"), exact
