"""Reads of the official geography, shared by views, the API and importers."""

from maillon.core.text import search_key
from maillon.geo.models import Commune


def commune_get(*, code: str) -> Commune | None:
    """The commune in force with this INSEE code, else the former commune that had it."""
    return (
        Commune.objects.with_code(code)
        .select_related("department", "region", "parent")
        .by_relevance()
        .first()
    )


def communes_for_postal_code(*, postal_code: str) -> list[Commune]:
    """Communes served by a postal code, arrondissements first, most populated first.

    Paris, Lyon and Marseille are represented by their arrondissements: "69008" gives Lyon 8e,
    not the whole of Lyon.
    """
    communes = list(
        Commune.objects.current()
        .with_postal_code(postal_code)
        .select_related("department", "region")
        .by_relevance()
    )
    arrondissement_parents = {c.parent_id for c in communes if c.parent_id}
    return [c for c in communes if c.pk not in arrondissement_parents]


def communes_search(*, text: str, limit: int = 20, current_only: bool = True) -> list[Commune]:
    """Communes whose name matches `text` (accents, case, hyphens and "St" folded)."""
    if not search_key(text):
        return []
    queryset = Commune.objects.matching(text)
    if current_only:
        queryset = queryset.filter(is_current=True)
    return list(
        queryset.select_related("department", "region", "parent")
        .by_relevance()
        .order_by("match_rank", "kind_rank", "-population", "name")[:limit]
    )
