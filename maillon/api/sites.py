from ninja import Query, Router, Schema
from ninja.pagination import paginate

from maillon.access.selectors import site_get, site_list
from maillon.api.pagination import BoundedLimitOffset
from maillon.api.schemas import Id, SiteOut

router = Router(tags=["points d'accueil"])


class SiteFilters(Schema):
    q: str = ""
    department: str = ""


@router.get("/sites", response=list[SiteOut])
@paginate(BoundedLimitOffset)
def list_sites(request, filters: Query[SiteFilters]):
    """The sites the caller may see (membership-scoped)."""
    return site_list(user=request.auth, text=filters.q, department=filters.department)


@router.get("/sites/{site_id}", response=SiteOut)
def get_site(request, site_id: Id):
    return site_get(user=request.auth, pk=site_id)
