"""Understanding where a search points: a commune INSEE code, a postal code, a
Paris/Lyon/Marseille arrondissement ("Lyon 8", "Paris 15e"), a commune name (accents, case,
hyphens and "St" folded) or a site name; and the French explanation when it points nowhere.

What the geography alone answers (every reading but the site names) is kept in memory per
process for a few minutes (`GEOGRAPHY_MEMO_SECONDS`): the communes are reference data that
only `maillon import geo` changes, and the same places are searched again and again."""

import dataclasses
import difflib
import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from maillon.core.text import search_key
from maillon.directory.search.stamps import public_sites_stamp
from maillon.geo.enums import CommuneKind
from maillon.geo.models import Commune
from maillon.geo.selectors import commune_get, communes_for_postal_code, communes_search
from maillon.network.models import Site

_POSTAL_CODE = re.compile(r"^\d{5}$")
_DIGITS = re.compile(r"^\d+$")
_ARRONDISSEMENT = re.compile(
    r"^(?P<city>\D+?)\s*(?P<number>\d{1,2})\s*(?:e|er|eme|ieme)?(?:\s+arr\w*)?$"
)


@dataclass
class Place:
    """Where the input points: communes (the first one is the search's place, the others its
    homonyms), or sites by name; or, when it points nowhere, why (`problem`, in French) and
    the communes the user may have meant."""

    communes: list[Commune] = field(default_factory=list)
    homonyms: list[Commune] = field(default_factory=list)
    site_ids: list[int] = field(default_factory=list)
    suggestions: list[Commune] = field(default_factory=list)
    problem: str = ""


T = TypeVar("T")
GEOGRAPHY_MEMO_SECONDS = 300
GEOGRAPHY_MEMO_SIZE = 1024
_geography: dict[tuple, tuple[float, object]] = {}


def _remembered(key: tuple, read: Callable[[], T]) -> T:
    """`read()`, a reading of the geography alone, kept in memory at most
    `GEOGRAPHY_MEMO_SECONDS` (a geography imported again shows within minutes) and for at most
    `GEOGRAPHY_MEMO_SIZE` inputs (then forgotten all at once)."""
    key = (*key, get_language())
    now = time.monotonic()
    kept = _geography.get(key)
    if kept is not None and now - kept[0] < GEOGRAPHY_MEMO_SECONDS:
        return kept[1]  # type: ignore[return-value]
    value = read()
    if len(_geography) >= GEOGRAPHY_MEMO_SIZE:
        _geography.clear()
    _geography[key] = (now, value)
    return value


def _copy(place: Place) -> Place:
    """A remembered place the caller may change without changing the memory."""
    return dataclasses.replace(
        place,
        communes=list(place.communes),
        homonyms=list(place.homonyms),
        site_ids=list(place.site_ids),
        suggestions=list(place.suggestions),
    )


def place_of(*, text: str, commune_code: str) -> Place:
    """The place of a search: the INSEE code first, then the text read as a postal code, a
    number that is not one, or a name."""
    if commune_code:
        return _copy(
            _remembered(("insee", commune_code), lambda: _place_by_insee_code(commune_code))
        )
    if _POSTAL_CODE.match(text):
        return _copy(_remembered(("postal", text), lambda: _place_by_postal_code(text)))
    if _DIGITS.match(text):
        return Place(
            problem=_(
                "« %(text)s » n'est pas un code postal : un code postal compte 5 chiffres "
                "(par exemple 42000)."
            )
            % {"text": text}
        )
    if text:
        return _copy(_place_by_name(text))
    return Place()


def _place_by_insee_code(code: str) -> Place:
    commune = commune_get(code=code)
    if commune is None:
        return Place(problem=_("Aucune commune n'a le code INSEE « %(code)s ».") % {"code": code})
    return Place(communes=[commune])


def _place_by_postal_code(code: str) -> Place:
    communes = communes_for_postal_code(postal_code=code)
    if not communes:
        return Place(
            problem=_(
                "Le code postal « %(code)s » n'existe pas. Vérifiez-le ou cherchez le nom "
                "de la commune."
            )
            % {"code": code}
        )
    return Place(communes=communes)


def _place_by_name(text: str) -> Place:
    """Cheapest reading first: an arrondissement, an exact commune name (an index), site names
    (memory), then a substring of a commune name (a scan of the communes)."""
    exact = _remembered(("name", text), lambda: _place_by_commune_name(text))
    if exact is not None:
        return exact
    site_ids = site_ids_named(text)
    if site_ids:
        return Place(site_ids=site_ids)
    return _remembered(("part", text), lambda: _place_by_part_of_name(text))


def _place_by_commune_name(text: str) -> Place | None:
    arrondissement = _arrondissement(text)
    if arrondissement is not None:
        return Place(communes=[arrondissement])
    exact = communes_named(text)
    if exact:
        return Place(communes=exact[:1], homonyms=exact[1:])
    return None


def _place_by_part_of_name(text: str) -> Place:
    found = communes_search(text=text, limit=10)
    if found:
        return Place(communes=found[:1], homonyms=found[1:5])
    return _nothing_named(text)


def _nothing_named(text: str) -> Place:
    """No commune nor site has this name: suggest the communes whose name is close."""
    suggestions = commune_suggestions(text)
    if suggestions:
        names = ", ".join(c.name for c in suggestions)
        problem = _(
            "Aucune commune ne correspond à « %(text)s » — vouliez-vous dire %(names)s ?"
        ) % {"text": text, "names": names}
    else:
        problem = _(
            "Aucune commune ni aucun point d'accueil ne correspond à "
            "« %(text)s ». Essayez un code postal ou le nom d'une commune."
        ) % {"text": text}
    return Place(suggestions=suggestions, problem=problem)


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
    """Forget the per-process readings of the geography (after a geography import, in tests)."""
    _commune_names.clear()
    _geography.clear()


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
    stamp = public_sites_stamp()
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


def center_of(communes: list[Commune]) -> tuple[float, float] | None:
    """The first commune's coordinates; for Paris, Lyon, Marseille (no coordinates of their
    own) the mean of their arrondissements' (remembered, see `_remembered`)."""
    for commune in communes:
        if commune.latitude is not None and commune.longitude is not None:
            return commune.latitude, commune.longitude
    return _remembered(("center", *(c.pk for c in communes)), lambda: _center_of_children(communes))


def _center_of_children(communes: list[Commune]) -> tuple[float, float] | None:
    points = [
        (latitude, longitude)
        for latitude, longitude in Commune.objects.filter(
            parent__in=communes, latitude__isnull=False, longitude__isnull=False
        ).values_list("latitude", "longitude")
        if latitude is not None and longitude is not None  # the filter's promise, for mypy
    ]
    if not points:
        return None
    return (
        sum(p[0] for p in points) / len(points),
        sum(p[1] for p in points) / len(points),
    )
