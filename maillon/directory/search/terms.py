"""What a directory search takes (filters, limits) and gives back (hits, messages)."""

import datetime
from dataclasses import dataclass, field

from maillon.geo.models import Commune
from maillon.network.models import Partner, Site

DEFAULT_RADIUS_KM = 30
MAX_RADIUS_KM = 200
WIDER_RADII_KM = (100, MAX_RADIUS_KM)
PAGE_SIZE = 20


class SearchInputError(ValueError):
    """An input that cannot be searched at all (message in French, for the API's 400)."""


@dataclass(frozen=True)
class SearchFilters:
    partner: Partner | None = None
    open_now: bool = False
    open_saturday: bool = False
    mobile: bool = False
    accessible: bool = False

    @property
    def any(self) -> bool:
        return bool(
            self.partner or self.open_now or self.open_saturday or self.mobile or self.accessible
        )


@dataclass(frozen=True)
class StopCall:
    """Where and when a bus found at the searched place stops there."""

    place: str
    commune_name: str
    schedule_text: str  # « les 2e et 4e mardis du mois, 9 h–12 h »
    latitude: float | None = None
    longitude: float | None = None


@dataclass
class SiteHit:
    """One result: the site, its distance from the centre and its hours at the search moment."""

    site: Site
    distance_km: float | None
    in_place: bool
    hours_known: bool
    is_open: bool
    next_opening: datetime.datetime | None
    closes_at: datetime.datetime | None
    france_services: bool = False
    stop: StopCall | None = None  # a bus found at a stop of the place: its hours are the stop's


@dataclass
class SearchResult:
    hits: list[SiteHit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0
    communes: list[Commune] = field(default_factory=list)
    homonyms: list[Commune] = field(default_factory=list)
    suggestions: list[Commune] = field(default_factory=list)
    center: tuple[float, float] | None = None
    radius_km: float = DEFAULT_RADIUS_KM
    by_name: bool = False
    messages: list[str] = field(default_factory=list)
    searched: bool = False

    @property
    def place_label(self) -> str:
        return ", ".join(f"{c.name} ({c.department_id})" for c in self.communes)
