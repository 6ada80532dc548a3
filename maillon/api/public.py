"""Public API of the directory: no authentication, rate-limited per client address
(`api.throttling.PublicRateThrottle`, ninja's throttling).

Same search as the public pages (`maillon.directory.search.directory_search`).
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from maillon.api.schemas import ErrorOut, Id
from maillon.api.throttling import PublicRateThrottle
from maillon.directory.search import (
    MAX_RADIUS_KM,
    SearchFilters,
    SearchInputError,
    SiteHit,
    directory_search,
)
from maillon.directory.selectors import public_site_get
from maillon.network import hours
from maillon.network.models import Partner
from maillon.network.selectors import site_hours_status

MAX_PAGE = 10_000


router = Router(tags=["annuaire public"], auth=None, throttle=PublicRateThrottle())


class PublicSiteOut(Schema):
    id: int
    name: str
    kind: str
    address: str
    postal_code: str
    commune_code: str | None
    commune_name: str | None
    department_code: str | None
    latitude: float | None
    longitude: float | None
    distance_km: float | None = None
    is_open: bool | None = None
    next_opening: datetime.datetime | None = None
    public_holiday: str | None = Field(
        None,
        description="Fiche d'un point d'accueil : le jour férié du jour là où il se trouve "
        "(« Noël »), qui le ferme sauf horaires particuliers.",
    )
    opening_hours: str
    opening_hours_text: str
    phone: str
    email: str
    appointment_url: str
    france_services: bool | None = None
    stop: str | None = Field(
        None,
        description="Bus trouvé à un arrêt de la commune cherchée : le lieu et ses passages "
        "(ses horaires et sa prochaine ouverture sont alors ceux de l'arrêt).",
    )
    url: str


class PublicSearchOut(Schema):
    count: int
    page: int
    pages: int
    communes: list[str]
    messages: list[str]
    items: list[PublicSiteOut]


class PublicSearchFilters(Schema):
    q: str = ""
    commune: str = ""
    near: str = ""
    radius_km: float | None = None
    open_at: datetime.datetime | None = None
    partner: str = ""
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Au-delà de la dernière : la dernière.")
    page_size: int = Field(20, ge=1, le=100)


def _site_out(site, *, hit: SiteHit | None = None, status=None) -> dict:
    expression = site.opening_hours
    readable = bool(expression) and hours.is_valid(expression)
    return {
        "id": site.pk,
        "name": site.name,
        "kind": site.kind,
        "address": site.address,
        "postal_code": site.postal_code,
        "commune_code": site.commune.code if site.commune_id else None,
        "commune_name": site.commune.name if site.commune_id else None,
        "department_code": site.commune.department_id if site.commune_id else None,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "distance_km": round(hit.distance_km, 2) if hit and hit.distance_km is not None else None,
        "is_open": (hit.is_open if hit.hours_known else None)
        if hit
        else (status.is_open if status and status.known else None),
        "next_opening": hit.next_opening if hit else (status.next_opening if status else None),
        "public_holiday": (status.holiday or None) if status else None,
        "opening_hours": expression,
        "opening_hours_text": hours.render_french(expression) if readable else "",
        "phone": site.phone,
        "email": site.email,
        "appointment_url": site.appointment_url,
        "france_services": hit.france_services if hit else None,
        "stop": (
            f"{hit.stop.place}, {hit.stop.commune_name} — {hit.stop.schedule_text}"
            if hit and hit.stop
            else None
        ),
        "url": reverse("directory:site", args=[site.pk]),
    }


def _near(value: str) -> tuple[float, float] | None:
    if not value.strip():
        return None
    try:
        lat, lon = (float(part) for part in value.split(","))
    except ValueError as exc:
        raise HttpError(
            400, "Le paramètre « near » attend « latitude,longitude », par exemple 45.43,4.39."
        ) from exc
    return lat, lon


@router.get(
    "/sites",
    response={200: PublicSearchOut, 400: ErrorOut, 429: ErrorOut},
    summary="Chercher des points d'accueil",
)
def search_sites(request, filters: Query[PublicSearchFilters]):
    """Public sites by commune name, postal code or site name (`q`), INSEE code (`commune`) or
    position (`near=lat,lon`, with `radius_km` ≤ 200), sorted by distance; `open_at` keeps the
    sites open at that moment; `partner` (code, e.g. `caf`) the sites serving that partner.
    """
    near = _near(filters.near)
    if filters.radius_km is not None and not 1 <= filters.radius_km <= MAX_RADIUS_KM:
        raise HttpError(
            400, f"Le rayon de recherche doit être compris entre 1 et {MAX_RADIUS_KM} km."
        )
    partner = None
    if filters.partner:
        partner = Partner.objects.filter(code=filters.partner).first()
        if partner is None:
            raise HttpError(400, f"Partenaire inconnu : « {filters.partner[:50]} ».")
    at = filters.open_at or timezone.now()
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    try:
        result = directory_search(
            text=filters.q,
            commune_code=filters.commune,
            near=near,
            radius_km=filters.radius_km,
            filters=SearchFilters(partner=partner, open_now=filters.open_at is not None),
            at=at,
            page=filters.page,
            page_size=filters.page_size,
        )
    except SearchInputError as exc:
        raise HttpError(400, str(exc)) from exc
    return {
        "count": result.total,
        "page": result.page,
        "pages": result.pages,
        "communes": [f"{c.name} ({c.code})" for c in result.communes],
        "messages": result.messages,
        "items": [_site_out(hit.site, hit=hit) for hit in result.hits],
    }


@router.get("/sites/{site_id}", response={200: PublicSiteOut, 404: ErrorOut, 429: ErrorOut})
def get_public_site(request, site_id: Id):
    """One public site, with its opening status now."""
    site = public_site_get(pk=site_id)
    return _site_out(site, status=site_hours_status(site, at=timezone.now()))
