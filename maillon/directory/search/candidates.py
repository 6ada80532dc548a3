"""The candidates of a search: the public sites of the place, those named, and those around
the centre, read with one query of the sites table; their distance and opening hours are then
computed in Python, which works the same on SQLite and PostgreSQL."""

import datetime
import functools
import operator
import time
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from maillon.directory.geometry import Box, haversine_km
from maillon.directory.search.stamps import label_decisions_stamp
from maillon.directory.search.terms import SearchFilters
from maillon.geo.models import Commune
from maillon.labels.enums import FRANCE_SERVICES
from maillon.labels.selectors import sites_labelled_on
from maillon.network import hours
from maillon.network.enums import PartnerKind, SiteKind
from maillon.network.models import Agreement, Partner, Site

MOBILE_KINDS = (SiteKind.MOBILE, SiteKind.ITINERANT)
SATURDAY = 5


def public_sites() -> QuerySet[Site]:
    return Site.objects.public()


def sites_serving(
    partner: Partner, *, day: datetime.date, site_ids: list[int], labelled: frozenset[int]
) -> set[int]:
    """Those of `site_ids` that serve a partner's public on `day`: an agreement of the site or
    of its organisation, or — for a national operator — the France Services label (`labelled`),
    whose charter makes every labelled site serve the national operators."""
    agreements = Agreement.objects.valid_on(day).filter(partner=partner)
    sites = Site.objects.filter(pk__in=site_ids)
    served = set(
        sites.filter(
            Q(pk__in=agreements.filter(site__isnull=False).values("site_id"))
            | Q(organisation__in=agreements.filter(site__isnull=True).values("organisation_id"))
        ).values_list("pk", flat=True)
    )
    valid = (partner.valid_from is None or partner.valid_from <= day) and (
        partner.valid_until is None or partner.valid_until >= day
    )
    if partner.kind == PartnerKind.NATIONAL_OPERATOR and valid:
        served.update(pk for pk in site_ids if pk in labelled)
    return served


LABEL_MEMO_SECONDS = 300
_labelled: dict[tuple, frozenset[int]] = {}


def france_services_site_ids(*, day: datetime.date) -> frozenset[int]:
    """Ids of the sites labelled France Services on `day`, kept in memory while the decisions
    do not change (one cheap aggregate per call) and at most five minutes (a decision edited
    in place changes no count)."""
    key = (day, *label_decisions_stamp(), int(time.time() // LABEL_MEMO_SECONDS))
    if key not in _labelled:
        _labelled.clear()
        _labelled[key] = frozenset(
            sites_labelled_on(programme=FRANCE_SERVICES, day=day).values_list("pk", flat=True)
        )
    return _labelled[key]


def filtered(queryset: QuerySet[Site], filters: SearchFilters) -> QuerySet[Site]:
    """The filters the database applies (kind of site, accessibility)."""
    if filters.mobile:
        queryset = queryset.filter(kind__in=MOBILE_KINDS)
    if filters.accessible:
        queryset = queryset.filter(wheelchair_accessible=True)
    return queryset


_CANDIDATE_FIELDS = ("pk", "latitude", "longitude", "commune_id", "opening_hours", "name")


@dataclass(frozen=True)
class _CommuneFacts:
    parent_id: int | None
    timezone: str | None
    department: str = ""


_UNKNOWN_COMMUNE = _CommuneFacts(None, None)
_communes: dict[int, _CommuneFacts] = {}
_children: dict[int, list[int]] = {}


def _commune_facts(*, needed: set[int] | frozenset = frozenset()) -> dict[int, _CommuneFacts]:
    """Parent and time zone of every commune, read once per process (reference data), so that
    the candidates query reads the sites table alone; read again when a commune is missing
    (the geography was imported again)."""
    if any(pk not in _communes for pk in needed):
        _communes.clear()
        _children.clear()
    if not _communes:
        rows = Commune.objects.values_list(
            "pk", "parent_id", "region__timezone", "timezone", "department_id"
        )
        for pk, parent_id, region_timezone, timezone, department in rows:
            _communes[pk] = _CommuneFacts(parent_id, timezone or region_timezone, department)
            if parent_id:
                _children.setdefault(parent_id, []).append(pk)
    return _communes


def with_children(commune_ids: set[int]) -> set[int]:
    """The communes and their arrondissements (a search of Paris finds the sites of Paris 15e)."""
    _commune_facts(needed=commune_ids)
    expanded = set(commune_ids)
    for pk in commune_ids:
        expanded.update(_children.get(pk, ()))
    return expanded


@dataclass
class Candidate:
    pk: int
    distance_km: float | None
    in_place: bool
    name: str
    expression: str
    timezone: ZoneInfo
    department: str = ""  # its public holidays


def hours_ok(expression: str) -> bool:
    return bool(expression) and hours.is_valid(expression)


@dataclass(frozen=True)
class SearchArea:
    """Where a search looks: the sites of the place (`place_ids`, arrondissements included),
    the sites named (`named`), and — when `around_center` — every site within a radius of
    `center`. A site of the place or named is kept whatever its distance."""

    base: QuerySet[Site]
    place_ids: set[int]
    named: list[int]
    center: tuple[float, float] | None
    around_center: bool

    def _condition(self, radius: float) -> Q:
        parts = []
        if self.named:
            parts.append(Q(pk__in=self.named))
        if self.place_ids:
            parts.append(Q(commune_id__in=self.place_ids))
        if self.around_center and self.center is not None:
            parts.append(Q(**Box.around(self.center[0], self.center[1], radius).lookups()))
        return functools.reduce(operator.or_, parts, Q())

    def candidates(self, radius: float) -> list[Candidate]:
        """The sites of the area within `radius` km, with their distance and time zone."""
        rows = list(self.base.filter(self._condition(radius)).values_list(*_CANDIDATE_FIELDS))
        facts = _commune_facts(needed={row[3] for row in rows if row[3]})
        center, named, place_ids = self.center, set(self.named), self.place_ids
        candidates = []
        for pk, lat, lon, commune_id, expression, name in rows:
            in_place = pk in named or commune_id in place_ids
            fact = facts.get(commune_id, _UNKNOWN_COMMUNE) if commune_id else _UNKNOWN_COMMUNE
            distance = (
                haversine_km(center[0], center[1], lat, lon)
                if center is not None and lat is not None and lon is not None
                else None
            )
            if not in_place and (distance is None or distance > radius):
                continue
            candidates.append(
                Candidate(
                    pk,
                    distance,
                    in_place,
                    name,
                    expression,
                    hours.site_zone(fact.timezone),
                    fact.department,
                )
            )
        return candidates


def hours_filtered(
    candidates: list[Candidate],
    filters: SearchFilters,
    at: datetime.datetime,
    labelled: Callable[[], frozenset[int]],
) -> list[Candidate]:
    """The filters computed in Python: open on Saturday, open at `at`, serving a partner."""
    if filters.open_saturday:
        candidates = [
            c
            for c in candidates
            if hours_ok(c.expression) and hours.weekly_ranges(c.expression)[SATURDAY]
        ]
    if filters.open_now:
        candidates = [
            c
            for c in candidates
            if hours_ok(c.expression)
            and hours.is_open(c.expression, at, timezone=c.timezone, department=c.department)
        ]
    if filters.partner is not None and candidates:
        served = sites_serving(
            filters.partner,
            day=at.date(),
            site_ids=[c.pk for c in candidates],
            labelled=labelled(),
        )
        candidates = [c for c in candidates if c.pk in served]
    return candidates
