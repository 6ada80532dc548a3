"""Writes of the directory: import of places published in the national open-data standard.

Policy (docs/directory.md):
- a file that cannot be read, or lacks a required column: nothing is imported;
- every row is validated against the standard; a row with a problem in a required field, an
  unknown commune or a duplicated id is rejected with its problems (line, field, value, why);
  a problem in an optional field drops that value and is reported;
- the key is (`source`, `id`): the same file imported twice changes nothing; a changed row
  updates its place, except its organisation and the fields its managers set (journal), unless
  told to overwrite them; rows that are the network's own sites (as exported by Maillon, under
  `fs-…`/`maillon-…` or under the key of the network's own dataset) are recognised and left
  alone, so exporting then importing changes nothing;
- every creation and change is journaled;
- everything accepted is written in one transaction.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Q

from maillon.core.importing import Problem
from maillon.core.text import search_key
from maillon.directory.enums import ImportKind
from maillon.directory.geometry import haversine_km
from maillon.directory.import_records import import_record_save
from maillon.directory.opendata.export import UNKNOWN_PIVOT, own_source
from maillon.directory.opendata.phones import to_national
from maillon.directory.opendata.schema import fields, table_problems
from maillon.directory.opendata.vocabulary import VocabularyReport, translate_rows
from maillon.geo.models import Commune
from maillon.geo.selectors import commune_get, communes_for_postal_code
from maillon.network import hours
from maillon.network.enums import OrganisationKind, SiteKind
from maillon.network.merging import SiteMerger
from maillon.network.models import Organisation, Site
from maillon.network.validators import validate_siret

IMPORTED_FIELDS = (
    "name",
    "kind",
    "address",
    "address_complement",
    "postal_code",
    "commune_id",
    "latitude",
    "longitude",
    "phone",
    "email",
    "appointment_url",
    "opening_hours",
    "opening_hours_source",
    "public_note",
    "services",
    "organisation_id",
)
FAR_FROM_COMMUNE_KM = 50
_OWN_ID = re.compile(r"^(?:fs-(?P<fs_id>.+)|maillon-(?P<pk>\d+))$")


@dataclass
class PlacesImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    own: int = 0
    kept: int = 0
    rejected: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    vocabulary: VocabularyReport = field(default_factory=VocabularyReport)

    @property
    def rejected_lines(self) -> int:
        return len({p.line for p in self.rejected})


def _commune_for(row: dict[str, str]) -> Commune | None:
    if row.get("code_insee"):
        commune = commune_get(code=row["code_insee"])
        if commune is not None and commune.is_former and commune.parent_id:
            return commune.parent
        return commune
    candidates = communes_for_postal_code(postal_code=row.get("code_postal", ""))
    key = search_key(row.get("commune", ""))
    named = [
        c for c in candidates if c.search_name == key or (c.parent and c.parent.search_name == key)
    ]
    found = named or candidates
    return found[0] if found else None


def _own_site_ids(rows) -> dict[str, int]:
    """Ids of the rows that designate the network's own sites (`fs-<id>`, `maillon-<pk>` under
    the network's own source, as exported by Maillon) → their pk."""
    fs_ids, pks = {}, {}
    for _line, row in rows:
        if row.get("source") != own_source():
            continue
        match = _OWN_ID.match(row.get("id", ""))
        if match and match.group("fs_id"):
            fs_ids[match.group("fs_id")] = row["id"]
        elif match:
            pks[int(match.group("pk"))] = row["id"]
    found = {}
    columns = ("pk", "fs_id", "external_source", "external_id")
    for site in Site.objects.filter(Q(fs_id__in=fs_ids) | Q(pk__in=pks)).only(*columns):
        if site.is_from_other_producer:
            continue
        if site.fs_id in fs_ids:
            found[fs_ids[site.fs_id]] = site.pk
        if site.pk in pks:
            found[pks[site.pk]] = site.pk
    return found


def _float(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


_WEB_ADDRESS = URLValidator(schemes=["http", "https"])


@dataclass
class _Row:
    """One row of the file; the values of its optional columns that have a problem read as
    empty, and its warnings go to the import's."""

    line: int
    data: dict[str, str]
    bad: set[str]
    warnings: list[Problem]

    def value(self, name: str) -> str:
        return "" if name in self.bad else self.data.get(name, "")

    def warn(self, column: str, value: str, why: str) -> None:
        self.warnings.append(Problem(self.line, column, value, why))


@transaction.atomic
def places_import(
    *,
    rows: list[tuple[int, dict[str, str]]],
    default_source: str,
    overwrite: frozenset[str] = frozenset(),
    note: str = "",
) -> PlacesImportResult:
    """Create or update the places of other structures from rows of the standard; a place
    already here keeps its organisation and what its managers set unless the field is in
    `overwrite` (`maillon/network/merging.py`); each change is journaled with `note`."""
    result = PlacesImportResult(rows=len(rows))
    rows, result.vocabulary = translate_rows(rows)  # the previous vocabulary of the standard
    result.warnings.extend(result.vocabulary.unknown)
    required = {f.name for f in fields() if f.required}
    problems_by_line: dict[int, list[Problem]] = {}
    for problem in table_problems(rows):
        problems_by_line.setdefault(problem.line, []).append(problem)
    own_ids = _own_site_ids(rows)
    wanted: dict[tuple[str, str], Site] = {}
    organisations: dict[str, Organisation] = {}
    for line, data in rows:
        if data.get("id") in own_ids:
            result.own += 1
            continue
        problems = problems_by_line.get(line, [])
        if any(p.column in required for p in problems):
            result.rejected.extend(problems)
            continue
        result.warnings.extend(problems)
        row = _Row(line, data, {p.column for p in problems}, result.warnings)
        site = _place_from_row(row, default_source=default_source, organisations=organisations)
        if isinstance(site, Problem):
            result.rejected.append(site)
        else:
            wanted[(site.external_source, site.external_id)] = site
    _write_places(
        wanted,
        result=result,
        overwrite=overwrite,
        note=note or f"Import des lieux de médiation numérique ({default_source})",
    )
    import_record_save(
        kind=ImportKind.PLACES, file_name=default_source, rows=len(rows), rejected=result.rejected
    )
    return result


def _place_from_row(
    row: _Row, *, default_source: str, organisations: dict[str, Organisation]
) -> Site | Problem:
    """The place a row describes, its doubtful optional values dropped with a warning; or the
    problem that rejects the row (its commune is not in the official geography)."""
    data, value = row.data, row.value
    commune = _commune_for(data if "code_insee" not in row.bad else {**data, "code_insee": ""})
    if commune is None:
        return Problem(
            row.line,
            "code_insee",
            data.get("code_insee") or data.get("commune", ""),
            "commune introuvable dans la géographie officielle (code INSEE, ou code "
            "postal et nom de la commune)",
        )
    # In this order, the order of the warnings.
    latitude, longitude = _coordinates_in(row, commune)
    email = _valid_or_dropped(
        row,
        "courriels",
        value("courriels").split("|")[0].strip(),  # the first address
        validate_email,
        "courriel invalide, ignoré",
    )
    appointment = _valid_or_dropped(
        row, "prise_rdv", value("prise_rdv"), _WEB_ADDRESS, "adresse web invalide, ignorée"
    )
    expression, source_hours = _readable_hours(row)
    itinerance = value("itinerance").split("|")
    source = (data.get("source") or default_source)[:100]
    return Site(
        external_source=source,
        external_id=data["id"][:200],
        name=data["nom"][:200],
        kind=SiteKind.ITINERANT
        if "Itinérant" in itinerance and "Fixe" not in itinerance
        else SiteKind.FIXED,
        address=data["adresse"][:300],
        address_complement=value("complement_adresse")[:300],
        postal_code=data["code_postal"][:5],
        commune_id=commune.pk,
        latitude=latitude,
        longitude=longitude,
        phone=to_national(value("telephone"))[:50],
        email=email,
        appointment_url=appointment[:200],
        opening_hours=expression[:500],
        opening_hours_source=source_hours,
        public_note=value("presentation_detail") or value("presentation_resume"),
        services=value("services")[:1000],
        organisation_id=_organisation_id(row, organisations),
        is_public=True,
    )


def _coordinates_in(row: _Row, commune: Commune) -> tuple[float | None, float | None]:
    """The row's position: impossible or half-given coordinates are dropped; coordinates far
    from the commune are kept with a warning (the commune may be the wrong one)."""
    latitude, longitude = _float(row.value("latitude")), _float(row.value("longitude"))
    if (
        latitude is not None
        and longitude is not None
        and not (-90 <= latitude <= 90 and -180 <= longitude <= 180)
    ):
        row.warn("latitude", row.data["latitude"], "coordonnées impossibles, ignorées")
        latitude = longitude = None
    if latitude is None or longitude is None:
        return None, None
    if commune.latitude is not None and commune.longitude is not None:
        gap = haversine_km(latitude, longitude, commune.latitude, commune.longitude)
        if gap > FAR_FROM_COMMUNE_KM:
            row.warn(
                "latitude",
                f"{row.data['latitude']}, {row.data['longitude']}",
                f"coordonnées à {gap:.0f} km de {commune.name} ({commune.code}) : "
                "gardées, à vérifier",
            )
    return latitude, longitude


def _valid_or_dropped(
    row: _Row, column: str, value: str, validator: Callable[[str], None], why: str
) -> str:
    """An optional value: kept if `validator` accepts it, else dropped with a warning."""
    if value:
        try:
            validator(value)
        except ValidationError:
            row.warn(column, value, why)
            return ""
    return value


def _readable_hours(row: _Row) -> tuple[str, str]:
    """(opening hours, hours as the source wrote them): hours that do not read as
    OpenStreetMap syntax are kept as text only, with a warning."""
    expression = row.value("horaires")
    if expression and not hours.is_valid(expression):
        row.warn(
            "horaires",
            expression,
            "horaires illisibles en syntaxe OpenStreetMap : gardés comme texte",
        )
        return "", expression
    return expression, ""


def _organisation_id(row: _Row, organisations: dict[str, Organisation]) -> int | None:
    """The organisation of a row whose pivot is a SIRET, created when unknown (`organisations`
    memoises them over the import); an RNA number or a RIDET gives none."""
    pivot = row.value("pivot")
    if not pivot or pivot == UNKNOWN_PIVOT:
        return None
    try:
        validate_siret(pivot)
    except ValidationError:
        return None
    if pivot not in organisations:
        organisations[pivot] = Organisation.objects.filter(siret=pivot).first() or (
            Organisation.objects.create(
                siret=pivot,
                name=(row.value("structure_parente") or row.data["nom"])[:200],
                kind=OrganisationKind.OTHER,
            )
        )
    return organisations[pivot].pk


def _write_places(
    wanted: dict[tuple[str, str], Site],
    *,
    result: PlacesImportResult,
    overwrite: frozenset[str],
    note: str,
) -> None:
    """Create the new places, merge the changed ones (journaled), leave the network's own."""
    existing = {}
    for site in Site.objects.filter(
        external_source__in={k[0] for k in wanted}, external_id__in={k[1] for k in wanted}
    ):
        existing[(site.external_source, site.external_id)] = site
    merger = SiteMerger(fields=IMPORTED_FIELDS, overwrite=overwrite, note=note)
    merger.load(existing.values())
    to_create, to_update = [], []
    for key, site in wanted.items():
        current = existing.get(key)
        if current is None:
            to_create.append(site)
        elif not current.is_from_other_producer:
            result.own += 1  # one of the network's own sites, under the key it was exported with
        elif merger.merge(current, site):
            to_update.append(current)
        else:
            result.unchanged += 1
    Site.objects.bulk_create(to_create, batch_size=500)
    Site.objects.bulk_update(to_update, merger.update_fields(IMPORTED_FIELDS), batch_size=500)
    merger.created(to_create)
    merger.write_journal()
    result.created, result.updated, result.kept = len(to_create), len(to_update), merger.kept
