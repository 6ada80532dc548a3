"""The public search: where is the nearest point of reception, is it open?

One selector, `directory_search`, shared by the public pages and the public API. The text is
understood as (in this order) a postal code, a Paris/Lyon/Marseille arrondissement
("Lyon 8", "Paris 15e"), a commune name (accents, case, hyphens and "St" folded) and a site
name; or the caller gives a commune INSEE code or a position ("near me"). Candidates are read
with one query (sites of the place, sites whose name matches, sites in the bounding box around
the centre), then distance, opening hours and order are computed in Python, which works the
same on SQLite and PostgreSQL. Every input that leads nowhere gets a French explanation.
"""

import datetime
import difflib
import functools
import hashlib
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _

from maillon.core.text import search_key
from maillon.directory.geometry import Box, haversine_km, in_france
from maillon.geo.enums import CommuneKind
from maillon.geo.models import Commune
from maillon.geo.selectors import commune_get, communes_for_postal_code, communes_search
from maillon.labels.enums import FRANCE_SERVICES
from maillon.labels.models import LabelDecision
from maillon.labels.selectors import sites_labelled_on
from maillon.network import hours
from maillon.network.enums import PartnerKind, SiteKind
from maillon.network.models import Agreement, Partner, Site

DEFAULT_RADIUS_KM = 30
MAX_RADIUS_KM = 200
WIDER_RADII_KM = (100, MAX_RADIUS_KM)
PAGE_SIZE = 20
MOBILE_KINDS = (SiteKind.MOBILE, SiteKind.ITINERANT)
SATURDAY = 5

_POSTAL_CODE = re.compile(r"^\d{5}$")
_DIGITS = re.compile(r"^\d+$")
_ARRONDISSEMENT = re.compile(
    r"^(?P<city>\D+?)\s*(?P<number>\d{1,2})\s*(?:e|er|eme|ieme)?(?:\s+arr\w*)?$"
)


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


# --- understanding the text ------------------------------------------------------------------


def _arrondissement(text: str) -> Commune | None:
    """ "Lyon 8", "paris 15e", "Marseille 1er arrondissement" → the municipal arrondissement."""
    match = _ARRONDISSEMENT.match(search_key(text))
    if not match:
        return None
    number = int(match.group("number"))
    suffix = "1er" if number == 1 else f"{number}e"
    key = f"{match.group('city').strip()} {suffix} arrondissement"
    return (
        Commune.objects.filter(
            search_name=key, kind=CommuneKind.MUNICIPAL_ARRONDISSEMENT, is_current=True
        )
        .select_related("department")
        .first()
    )


def communes_named(text: str) -> list[Commune]:
    """Communes in force whose name is exactly `text` once folded (an indexed lookup), the
    most relevant first."""
    return list(
        Commune.objects.current()
        .filter(search_name=search_key(text))
        .select_related("department", "region", "parent")
        .by_relevance()
    )


_commune_names: list[list[tuple[str, int, str, int]]] = []


def _current_commune_names() -> list[tuple[str, int, str, int]]:
    """(search key, id, name, population) of the communes in force, read once per process."""
    if not _commune_names:
        rows = list(
            Commune.objects.current().values_list("search_name", "pk", "name", "population")
        )
        if not rows:
            return []
        _commune_names.append([(k, pk, n, p or 0) for k, pk, n, p in rows])
    return _commune_names[0]


def clear_caches() -> None:
    """Forget the per-process list of commune names (after a geography import, in tests)."""
    _commune_names.clear()


def commune_suggestions(text: str, *, limit: int = 3) -> list[Commune]:
    """Communes whose name is close to a misspelt `text` ("Sant-Etienne" → Saint-Étienne)."""
    key = search_key(text)
    if len(key) < 3:
        return []
    cache_key = "directory:suggest:" + hashlib.sha256(key.encode()).hexdigest()[:32]
    ids = cache.get(cache_key)
    if ids is None:
        ids = _suggested_ids(key, limit=limit)
        cache.set(cache_key, ids, 3600)
    by_id = Commune.objects.select_related("department").in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def _suggested_ids(key: str, *, limit: int) -> list[int]:
    names = [row for row in _current_commune_names() if abs(len(row[0]) - len(key)) <= 3]
    matcher = difflib.SequenceMatcher(b=key, autojunk=False)
    scored = []
    for row in names:
        matcher.set_seq1(row[0])
        if matcher.real_quick_ratio() < 0.75 or matcher.quick_ratio() < 0.75:
            continue
        ratio = matcher.ratio()
        if ratio >= 0.75:
            scored.append((round(ratio, 2), row[3], row[1]))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    if not scored:
        return []
    best = scored[0][0]
    return [pk for ratio, _population, pk in scored[:limit] if ratio >= best - 0.03]


_name_index: dict[tuple, list[tuple[int, str]]] = {}


def _site_name_index() -> list[tuple[int, str]]:
    """(id, folded name) of the public sites, rebuilt when a site changes (one cheap query)."""
    stamp = tuple(Site.objects.public().aggregate(n=Count("id"), t=Max("updated_at")).values())
    if stamp not in _name_index:
        _name_index.clear()
        _name_index[stamp] = [
            (pk, search_key(name)) for pk, name in Site.objects.public().values_list("pk", "name")
        ]
    return _name_index[stamp]


def site_ids_named(text: str) -> list[int]:
    key = search_key(text)
    if len(key) < 3:
        return []
    pattern = re.compile(rf"(?:^| ){re.escape(key)}")
    return [pk for pk, name in _site_name_index() if pattern.search(name)]


# --- the candidates -------------------------------------------------------------------------


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
    stamp = LabelDecision.objects.aggregate(n=Count("id"), m=Max("id"), c=Max("created_at"))
    key = (day, stamp["n"], stamp["m"], stamp["c"], int(time.time() // LABEL_MEMO_SECONDS))
    if key not in _labelled:
        _labelled.clear()
        _labelled[key] = frozenset(
            sites_labelled_on(programme=FRANCE_SERVICES, day=day).values_list("pk", flat=True)
        )
    return _labelled[key]


def _filtered(queryset: QuerySet[Site], filters: SearchFilters):
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
        rows = Commune.objects.values_list("pk", "parent_id", "region__timezone")
        for pk, parent_id, timezone in rows:
            _communes[pk] = _CommuneFacts(parent_id, timezone)
            if parent_id:
                _children.setdefault(parent_id, []).append(pk)
    return _communes


def _with_children(commune_ids: set[int]) -> set[int]:
    _commune_facts(needed=commune_ids)
    expanded = set(commune_ids)
    for pk in commune_ids:
        expanded.update(_children.get(pk, ()))
    return expanded


@dataclass
class _Candidate:
    pk: int
    distance_km: float | None
    in_place: bool
    name: str
    expression: str
    timezone: ZoneInfo


def _hours_ok(expression: str) -> bool:
    return bool(expression) and hours.is_valid(expression)


def _center_of(communes: list[Commune]) -> tuple[float, float] | None:
    """The first commune's coordinates; for Paris, Lyon, Marseille (no coordinates of their
    own) the mean of their arrondissements'."""
    for commune in communes:
        if commune.latitude is not None and commune.longitude is not None:
            return commune.latitude, commune.longitude
    points = list(
        Commune.objects.filter(
            parent__in=communes, latitude__isnull=False, longitude__isnull=False
        ).values_list("latitude", "longitude")
    )
    if not points:
        return None
    return (
        sum(p[0] for p in points) / len(points),
        sum(p[1] for p in points) / len(points),
    )


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
    """Search the public directory; see the module docstring. `at` is aware ("open now")."""
    filters = filters or SearchFilters()
    result = SearchResult(radius_km=radius_km or DEFAULT_RADIUS_KM)
    text = " ".join((text or "").split())[:200]
    commune_code = (commune_code or "").strip().upper()
    if not (text or commune_code or near):
        return result
    result.searched = True
    if radius_km is not None and not 1 <= radius_km <= MAX_RADIUS_KM:
        raise SearchInputError(
            _("Le rayon de recherche doit être compris entre 1 et %(max)s km.")
            % {"max": MAX_RADIUS_KM}
        )

    communes: list[Commune] = []
    name_ids: list[int] = []
    if near is not None:
        lat, lon = near
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise SearchInputError(
                _(
                    "Coordonnées impossibles : la latitude va de -90 à 90, "
                    "la longitude de -180 à 180."
                )
            )
        if not in_france(lat, lon):
            result.messages.append(
                _(
                    "La position %(lat).4f, %(lon).4f est hors de France : l'annuaire ne "
                    "référence que des points d'accueil en France (métropole et outre-mer)."
                )
                % {"lat": lat, "lon": lon}
            )
            return result
    if commune_code:
        commune = commune_get(code=commune_code)
        if commune is None:
            result.messages.append(
                _("Aucune commune n'a le code INSEE « %(code)s ».") % {"code": commune_code}
            )
            return result
        communes = [commune]
    elif text and _POSTAL_CODE.match(text):
        communes = communes_for_postal_code(postal_code=text)
        if not communes:
            result.messages.append(
                _(
                    "Le code postal « %(code)s » n'existe pas. Vérifiez-le ou cherchez le nom "
                    "de la commune."
                )
                % {"code": text}
            )
            return result
    elif text and _DIGITS.match(text):
        result.messages.append(
            _(
                "« %(text)s » n'est pas un code postal : un code postal compte 5 chiffres "
                "(par exemple 42000)."
            )
            % {"text": text}
        )
        return result
    elif text:
        arrondissement = _arrondissement(text)
        if arrondissement is not None:
            communes = [arrondissement]
        else:
            # Cheapest first: an exact name (index), site names (memory), then a substring
            # of a commune name (a scan of the communes).
            exact = communes_named(text)
            name_ids = [] if exact else site_ids_named(text)
            found = exact or ([] if name_ids else communes_search(text=text, limit=10))
            if exact:
                communes = exact[:1]
                result.homonyms = exact[1:]
            elif found and not name_ids:
                communes = found[:1]
                result.homonyms = found[1:5]
            if not communes and not name_ids:
                result.suggestions = commune_suggestions(text)
                if result.suggestions:
                    names = ", ".join(c.name for c in result.suggestions)
                    result.messages.append(
                        _(
                            "Aucune commune ne correspond à « %(text)s » — vouliez-vous dire "
                            "%(names)s ?"
                        )
                        % {"text": text, "names": names}
                    )
                else:
                    result.messages.append(
                        _(
                            "Aucune commune ni aucun point d'accueil ne correspond à "
                            "« %(text)s ». Essayez un code postal ou le nom d'une commune."
                        )
                        % {"text": text}
                    )
                return result
    result.communes = communes
    result.by_name = bool(name_ids) and not communes

    center = near or (_center_of(communes) if communes else None)
    result.center = center
    place_ids = _with_children({c.pk for c in communes})
    base = _filtered(public_sites(), filters)
    place_q = Q(commune_id__in=place_ids) if place_ids else Q()
    named = set(name_ids)
    restrict = Q(pk__in=name_ids) if name_ids else Q()
    if place_ids:
        restrict = restrict | place_q if name_ids else place_q
    user_radius = radius_km is not None

    def fetch(radius: float) -> list[_Candidate]:
        condition = restrict
        if center is not None and not (near is not None and text):
            box_q = Q(**Box.around(center[0], center[1], radius).lookups())
            condition = condition | box_q if (place_ids or name_ids) else box_q
        rows = list(base.filter(condition).values_list(*_CANDIDATE_FIELDS))
        facts = _commune_facts(needed={row[3] for row in rows if row[3]})
        unknown = _CommuneFacts(None, None)
        candidates = []
        for pk, lat, lon, commune_id, expression, name in rows:
            in_place = pk in named or commune_id in place_ids
            tz = facts.get(commune_id, unknown).timezone if commune_id else None
            distance = (
                haversine_km(center[0], center[1], lat, lon)
                if center is not None and lat is not None and lon is not None
                else None
            )
            if not in_place and (distance is None or distance > radius):
                continue
            candidates.append(
                _Candidate(pk, distance, in_place, name, expression, hours.site_zone(tz))
            )
        return candidates

    radius = result.radius_km
    labelled = functools.cache(lambda: france_services_site_ids(day=at.date()))
    candidates = _hours_filtered(fetch(radius), filters, at, labelled)
    if not candidates and center is not None and not user_radius:
        for wider in WIDER_RADII_KM:
            if wider <= radius:
                continue
            candidates = _hours_filtered(fetch(wider), filters, at, labelled)
            if candidates:
                result.messages.append(
                    _(
                        "Aucun point d'accueil à moins de %(radius)s km : voici les plus proches, "
                        "jusqu'à %(wider)s km."
                    )
                    % {"radius": radius, "wider": wider}
                )
                result.radius_km = wider
                break
    if not candidates:
        result.messages.append(_no_result_message(result, filters))
        return result

    candidates.sort(
        key=lambda c: (
            not c.in_place if near is None else False,
            c.distance_km if c.distance_km is not None else math.inf,
            c.name,
        )
    )
    result.total = len(candidates)
    result.pages = math.ceil(result.total / page_size)
    result.page = min(max(page, 1), result.pages)
    chunk = candidates[(result.page - 1) * page_size : result.page * page_size]
    result.hits = _hits(chunk, at, labelled())
    return result


def _hours_filtered(
    candidates: list[_Candidate],
    filters: SearchFilters,
    at: datetime.datetime,
    labelled: Callable[[], frozenset[int]],
) -> list[_Candidate]:
    if filters.open_saturday:
        candidates = [
            c
            for c in candidates
            if _hours_ok(c.expression) and hours.weekly_ranges(c.expression)[SATURDAY]
        ]
    if filters.open_now:
        candidates = [
            c
            for c in candidates
            if _hours_ok(c.expression) and hours.is_open(c.expression, at, timezone=c.timezone)
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


def _hits(
    chunk: list[_Candidate], at: datetime.datetime, labelled: frozenset[int]
) -> list[SiteHit]:
    sites = Site.objects.select_related("commune").in_bulk([c.pk for c in chunk])
    hits = []
    for candidate in chunk:
        if candidate.pk not in sites:  # deleted or hidden between the two queries
            continue
        expression = candidate.expression
        known = _hours_ok(expression)
        open_now = known and hours.is_open(expression, at, timezone=candidate.timezone)
        hits.append(
            SiteHit(
                site=sites[candidate.pk],
                distance_km=candidate.distance_km,
                in_place=candidate.in_place,
                hours_known=known,
                is_open=open_now,
                next_opening=(
                    hours.next_opening(expression, at, timezone=candidate.timezone)
                    if known and not open_now
                    else None
                ),
                closes_at=(
                    hours.next_change(expression, at, timezone=candidate.timezone)
                    if open_now
                    else None
                ),
                france_services=candidate.pk in labelled,
            )
        )
    return hits
