from django.http import Http404
from ninja import Field, Query, Router, Schema

from maillon.api.schemas import CommuneOut
from maillon.geo.selectors import commune_get, communes_for_postal_code, communes_search

router = Router(tags=["géographie"])


class CommuneFilters(Schema):
    q: str | None = None
    postal_code: str | None = None
    limit: int = Field(20, ge=1, le=100)


@router.get("/communes", response=list[CommuneOut], auth=None)
def list_communes(request, filters: Query[CommuneFilters]):
    """Communes by name (accent/case-insensitive) or by postal code."""
    if filters.postal_code:
        return communes_for_postal_code(postal_code=filters.postal_code)[: filters.limit]
    if filters.q:
        return communes_search(text=filters.q, limit=filters.limit)
    return []


@router.get("/communes/{code}", response=CommuneOut, auth=None)
def get_commune(request, code: str):
    """The commune in force with this INSEE code (else the former commune that had it)."""
    commune = commune_get(code=code)
    if commune is None:
        raise Http404
    return commune
