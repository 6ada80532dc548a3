"""`directory_search`: the steps of one search, from the raw input to a page of hits."""

import datetime
import functools
import math
from collections.abc import Callable

from django.utils.translation import gettext as _

from maillon.directory.geometry import in_france
from maillon.directory.search.candidates import (
    Candidate,
    SearchArea,
    filtered,
    france_services_site_ids,
    hours_filtered,
    hours_ok,
    public_sites,
    with_children,
)
from maillon.directory.search.places import center_of, place_of
from maillon.directory.search.stops import attach_stops, with_stops
from maillon.directory.search.terms import (
    DEFAULT_RADIUS_KM,
    MAX_RADIUS_KM,
    PAGE_SIZE,
    WIDER_RADII_KM,
    SearchFilters,
    SearchInputError,
    SearchResult,
    SiteHit,
)
from maillon.network import hours
from maillon.network.models import Site


def directory_search(
    *,
    text: str = "",
    commune_code: str = "",
    near: tuple[float, float] | None = None,
    radius_km: float | None = None,
    filters: SearchFilters | None = None,
    at: datetime.datetime,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> SearchResult:
    """Search the public directory (see the package docstring). `at` is aware ("open now")."""
    filters = filters or SearchFilters()
    result = SearchResult(radius_km=radius_km or DEFAULT_RADIUS_KM)
    text = " ".join((text or "").split())[:200]
    commune_code = (commune_code or "").strip().upper()
    if not (text or commune_code or near):
        return result
    result.searched = True
    _check_radius(radius_km)
    if near is not None:
        outside = _outside_france(near)
        if outside:
            result.messages.append(outside)
            return result
    place = place_of(text=text, commune_code=commune_code)
    result.homonyms, result.suggestions = place.homonyms, place.suggestions
    if place.problem:
        result.messages.append(place.problem)
        return result
    result.communes = place.communes
    result.by_name = bool(place.site_ids) and not place.communes
    result.center = near or (center_of(place.communes) if place.communes else None)
    area = SearchArea(
        base=filtered(public_sites(), filters),
        place_ids=with_children({c.pk for c in place.communes}),
        named=place.site_ids,
        center=result.center,
        # A position with a text: the text says where, the position only measures distances.
        around_center=not (near is not None and text),
    )
    labelled = functools.cache(lambda: france_services_site_ids(day=at.date()))
    found = with_stops(area.candidates(result.radius_km), base=area.base, place_ids=area.place_ids)
    candidates = hours_filtered(found, filters, at, labelled)
    if not candidates and area.center is not None and radius_km is None:
        candidates = _widened_until_found(area, result, filters, at, labelled)
    if not candidates:
        result.messages.append(_no_result_message(result, filters))
        return result
    _by_place_then_distance(candidates, place_first=near is None)
    chunk = _page_of(result, candidates, page=page, page_size=page_size)
    result.hits = _hits(chunk, at, labelled())
    attach_stops(result.hits, chunk)
    return result


def _check_radius(radius_km: float | None) -> None:
    if radius_km is not None and not 1 <= radius_km <= MAX_RADIUS_KM:
        raise SearchInputError(
            _("Le rayon de recherche doit être compris entre 1 et %(max)s km.")
            % {"max": MAX_RADIUS_KM}
        )


def _outside_france(near: tuple[float, float]) -> str:
    """Why a position cannot be searched: impossible coordinates raise, a position outside
    France explains that the directory lists French sites only; "" for a position in France."""
    lat, lon = near
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise SearchInputError(
            _("Coordonnées impossibles : la latitude va de -90 à 90, la longitude de -180 à 180.")
        )
    if in_france(lat, lon):
        return ""
    return _(
        "La position %(lat).4f, %(lon).4f est hors de France : l'annuaire ne "
        "référence que des points d'accueil en France (métropole et outre-mer)."
    ) % {"lat": lat, "lon": lon}


def _widened_until_found(
    area: SearchArea,
    result: SearchResult,
    filters: SearchFilters,
    at: datetime.datetime,
    labelled: Callable[[], frozenset[int]],
) -> list[Candidate]:
    """Nothing within the default radius: look further (the user chose no radius), and say so."""
    radius = result.radius_km
    for wider in WIDER_RADII_KM:
        if wider <= radius:
            continue
        candidates = hours_filtered(area.candidates(wider), filters, at, labelled)
        if candidates:
            result.messages.append(
                _(
                    "Aucun point d'accueil à moins de %(radius)s km : voici les plus proches, "
                    "jusqu'à %(wider)s km."
                )
                % {"radius": radius, "wider": wider}
            )
            result.radius_km = wider
            return candidates
    return []


def _by_place_then_distance(candidates: list[Candidate], *, place_first: bool) -> None:
    """The sites of the place first (unless the search is around a position), then the
    nearest, then by name."""
    candidates.sort(
        key=lambda c: (
            not c.in_place if place_first else False,
            c.distance_km if c.distance_km is not None else math.inf,
            c.name,
        )
    )


def _page_of(
    result: SearchResult, candidates: list[Candidate], *, page: int, page_size: int
) -> list[Candidate]:
    """The candidates of the asked page, clamped to the existing pages (counted in `result`)."""
    result.total = len(candidates)
    result.pages = math.ceil(result.total / page_size)
    result.page = min(max(page, 1), result.pages)
    return candidates[(result.page - 1) * page_size : result.page * page_size]


def _no_result_message(result: SearchResult, filters: SearchFilters) -> str:
    where = result.place_label
    if filters.any:
        return _(
            "Aucun point d'accueil ne correspond à ces critères%(where)s. Retirez un filtre "
            "ou élargissez la recherche."
        ) % {"where": _(" autour de %(place)s") % {"place": where} if where else ""}
    return _("Aucun point d'accueil à moins de %(radius)s km%(where)s.") % {
        "radius": result.radius_km,
        "where": _(" de %(place)s") % {"place": where} if where else "",
    }


def _hits(chunk: list[Candidate], at: datetime.datetime, labelled: frozenset[int]) -> list[SiteHit]:
    sites = Site.objects.select_related("commune").in_bulk([c.pk for c in chunk])
    hits = []
    for candidate in chunk:
        if candidate.pk not in sites:  # deleted or hidden between the two queries
            continue
        expression = candidate.expression
        known = hours_ok(expression)
        open_now = known and hours.is_open(
            expression, at, timezone=candidate.timezone, department=candidate.department
        )
        hits.append(
            SiteHit(
                site=sites[candidate.pk],
                distance_km=candidate.distance_km,
                in_place=candidate.in_place,
                hours_known=known,
                is_open=open_now,
                next_opening=(
                    hours.next_opening(
                        expression, at, timezone=candidate.timezone, department=candidate.department
                    )
                    if known and not open_now
                    else None
                ),
                closes_at=(
                    hours.next_change(
                        expression, at, timezone=candidate.timezone, department=candidate.department
                    )
                    if open_now
                    else None
                ),
                france_services=candidate.pk in labelled,
            )
        )
    return hits
