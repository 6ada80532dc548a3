"""The public search: where is the nearest point of reception, is it open?

One selector, `directory_search`, shared by the public pages and the public API. The text is
understood as (in this order) a postal code, a Paris/Lyon/Marseille arrondissement
("Lyon 8", "Paris 15e"), a commune name (accents, case, hyphens and "St" folded) and a site
name; or the caller gives a commune INSEE code or a position ("near me") — see `places`.
Candidates are read with one query (sites of the place, sites whose name matches, sites in the
bounding box around the centre), then distance, opening hours and order are computed in Python,
which works the same on SQLite and PostgreSQL — see `candidates`. Every input that leads nowhere
gets a French explanation. `terms` holds what a search takes and gives back, `engine` the steps.
"""

from maillon.directory.search.candidates import public_sites
from maillon.directory.search.engine import directory_search
from maillon.directory.search.partners import present_partners
from maillon.directory.search.places import clear_caches as clear_place_caches
from maillon.directory.search.stops import clear_stop_cache
from maillon.directory.search.terms import (
    DEFAULT_RADIUS_KM,
    MAX_RADIUS_KM,
    PAGE_SIZE,
    SearchFilters,
    SearchInputError,
    SearchResult,
    SiteHit,
)


def clear_caches() -> None:
    """Forget the per-process lists (commune names, stops): after an import, in tests."""
    clear_place_caches()
    clear_stop_cache()


__all__ = [
    "DEFAULT_RADIUS_KM",
    "MAX_RADIUS_KM",
    "PAGE_SIZE",
    "SearchFilters",
    "SearchInputError",
    "SearchResult",
    "SiteHit",
    "clear_caches",
    "directory_search",
    "present_partners",
    "public_sites",
]
