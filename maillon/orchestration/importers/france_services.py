"""Import of the official ANCT list of France Services (CSV), idempotent on `id_fs`.

Policy (documented in docs/imports.md):
- a file that cannot be read or lacks a column: nothing is imported;
- a row without id or name, with a duplicated id, impossible coordinates or an INSEE code that
  no commune of the official geography ever had: the row is rejected, the others are imported;
- a day whose hours cannot be read: kept as raw text, written `unknown` in the OSM expression,
  and listed; an INSEE/postal/département mismatch: the site is imported and the mismatch listed;
- a site already here keeps its organisation and every field a person set, unless named in
  `overwrite` (merging.py); each creation and change is journaled;
- a label decision already recorded for the site on that day (whatever the file was called)
  is not added again: the import is idempotent on the list's content;
- everything accepted is written in one transaction.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from maillon.core.importing import Problem, read_csv_rows
from maillon.directory.enums import ImportKind
from maillon.directory.import_records import import_record_save
from maillon.geo.enums import CommuneKind
from maillon.geo.models import Commune, PostalCode
from maillon.labels.enums import FRANCE_SERVICES, DatePrecision, DecisionOutcome
from maillon.labels.models import LabelDecision, LabelProgramme
from maillon.network import hours
from maillon.network.enums import SiteKind
from maillon.network.merging import SiteMerger
from maillon.network.models import Site

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "liste-fs-20240801.csv"
SOURCE_LABEL = "Liste ANCT des France Services au 01/08/2024"

DAY_COLUMNS = ("h_lundi", "h_mardi", "h_mercredi", "h_jeudi", "h_vendredi", "h_samedi")
REQUIRED_COLUMNS = (
    "id_fs",
    "insee_dep",
    "lib_fs",
    "adresse",
    "complement_adresse",
    "insee_com",
    "code_postal",
    "lib_com",
    "latitude",
    "longitude",
    "mail",
    "telephone",
    *DAY_COLUMNS,
    "prise_rdv",
    "commentaire",
    "type_fs",
    "format_fs",
    "labellisation_fs",
)
KIND_BY_FORMAT = {
    "Fixe": SiteKind.FIXED,
    "Fixe_antenne(s)": SiteKind.FIXED,
    "Multisites": SiteKind.MULTI_SITE,
    "Bus_équivalent": SiteKind.MOBILE,
    "Itinérante": SiteKind.ITINERANT,
}
LABEL_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
SITE_FIELDS = (
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
    "appointment_required",
    "opening_hours",
    "opening_hours_source",
    "public_note",
)


@dataclass
class FranceServicesImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Problem] = field(default_factory=list)
    day_hours_total: int = 0
    day_hours_converted: int = 0
    hours_unconverted: list[Problem] = field(default_factory=list)
    geo_mismatches: list[Problem] = field(default_factory=list)
    other_warnings: list[Problem] = field(default_factory=list)
    decisions_created: int = 0
    kept: int = 0  # values a person set, kept against the list

    @property
    def hours_rate(self) -> float:
        return self.day_hours_converted / self.day_hours_total if self.day_hours_total else 1.0


@dataclass
class _Geography:
    """The official geography in memory for fast row checks."""

    by_code: dict[str, Commune]
    postal_codes: dict[int, set[str]]

    @classmethod
    def load(cls) -> "_Geography":
        by_code: dict[str, Commune] = {}
        rank: dict[str, int] = {CommuneKind.MUNICIPAL_ARRONDISSEMENT: 0, CommuneKind.COMMUNE: 1}
        communes = Commune.objects.select_related("parent").order_by("code")
        for commune in communes:
            known = by_code.get(commune.code)
            if known is None or rank.get(commune.kind, 2) < rank.get(known.kind, 2):
                by_code[commune.code] = commune
        postal: dict[int, set[str]] = {}
        for code, commune_id in PostalCode.objects.values_list("code", "commune_id"):
            postal.setdefault(commune_id, set()).add(code)
        return cls(by_code, postal)

    def postal_codes_of(self, commune: Commune) -> set[str]:
        codes = set(self.postal_codes.get(commune.pk, set()))
        if commune.parent_id:
            codes |= self.postal_codes.get(commune.parent_id, set())
        return codes


def _float(value: str) -> float | None:
    try:
        return float(value.replace(",", "."))
    except ValueError:
        return None


def _site_from_row(
    line: int, row: dict[str, str], geography: _Geography, result: FranceServicesImportResult
) -> tuple[Site, datetime.date | None] | None:
    """The site a row of the list describes and its labelling date; None for a rejected row
    (its problem is in `result.rejected`). Doubtful values are reported in `result`."""
    rejection = _rejection(row)
    if rejection is None:
        commune = _current_commune(line, row, geography, result)
        if commune is None:
            rejection = ("insee_com", "code INSEE inconnu de la géographie officielle (COG 2026)")
    if rejection is not None:
        column, reason = rejection
        result.rejected.append(Problem(line, column, row.get(column, ""), reason))
        return None
    assert commune is not None  # no rejection: the commune was found
    expression, source_hours = _week_hours(line, row, result)
    email = _valid_email(line, row, result)
    kind = _site_kind(line, row, result)
    label_date = _label_date(line, row, result)
    site = Site(
        fs_id=row["id_fs"],
        name=row["lib_fs"][:200],
        kind=kind,
        address=row["adresse"][:300],
        address_complement=row["complement_adresse"][:300],
        postal_code=row["code_postal"][:5],
        commune_id=commune.pk,
        latitude=_float(row["latitude"]),
        longitude=_float(row["longitude"]),
        phone=row["telephone"][:50],
        email=email,
        appointment_required={"Oui": True, "Non": False}.get(row["prise_rdv"]),
        opening_hours=expression,
        opening_hours_source=source_hours,
        public_note=row["commentaire"],
    )
    return site, label_date


def _rejection(row: dict[str, str]) -> tuple[str, str] | None:
    """(column, reason) when a row lacks its id or name or has impossible coordinates."""
    if not row["id_fs"]:
        return "id_fs", "identifiant France Services manquant"
    if not row["lib_fs"]:
        return "lib_fs", "nom du lieu manquant"
    latitude, longitude = _float(row["latitude"]), _float(row["longitude"])
    if row["latitude"] and (latitude is None or not -90 <= latitude <= 90):
        return "latitude", "latitude impossible"
    if row["longitude"] and (longitude is None or not -180 <= longitude <= 180):
        return "longitude", "longitude impossible"
    return None


def _current_commune(
    line: int, row: dict[str, str], geography: _Geography, result: FranceServicesImportResult
) -> Commune | None:
    """The commune in force of the row's INSEE code (a former commune gives its new one), its
    mismatches with the row's département and postal code reported; None for an unknown code."""
    commune = geography.by_code.get(row["insee_com"])
    if commune is None:
        return None
    former = commune.kind in (CommuneKind.DELEGATED, CommuneKind.ASSOCIATED)
    parent = commune.parent if former else None
    if parent is not None:
        result.geo_mismatches.append(
            Problem(
                line,
                "insee_com",
                row["insee_com"],
                f"ancienne commune {commune.name}, rattachée à {parent.name} "
                f"({parent.code}) : le lieu est rattaché à la commune en vigueur",
            )
        )
        commune = parent
    if row["insee_dep"] and row["insee_dep"] != commune.department_id:
        result.geo_mismatches.append(
            Problem(
                line,
                "insee_dep",
                row["insee_dep"],
                f"la commune {commune.name} ({commune.code}) est dans le département "
                f"{commune.department_id}",
            )
        )
    if row["code_postal"] and row["code_postal"] not in geography.postal_codes_of(commune):
        known = ", ".join(sorted(geography.postal_codes_of(commune))) or "aucun"
        result.geo_mismatches.append(
            Problem(
                line,
                "code_postal",
                row["code_postal"],
                f"code postal absent de la commune {commune.name} ({commune.code}) : "
                f"codes officiels {known}",
            )
        )
    return commune


def _week_hours(
    line: int, row: dict[str, str], result: FranceServicesImportResult
) -> tuple[str, str]:
    """(OSM expression, the list's text day by day): a day that cannot be read is written
    `unknown` in the expression and listed in `result`."""
    week: list[tuple[hours.TimeRange, ...]] = []
    unknown_days: list[int] = []
    source_lines = []
    day_labels = hours.day_names()
    for index, column in enumerate(DAY_COLUMNS):
        text = row[column]
        if text:
            result.day_hours_total += 1
            source_lines.append(f"{day_labels[index]} : {text}")
        try:
            week.append(hours.parse_day_text(text))
            result.day_hours_converted += bool(text)
        except hours.HoursError as exc:
            result.hours_unconverted.append(Problem(line, column, text, str(exc)))
            week.append(())
            unknown_days.append(index)
    week.append(())  # Sunday: the list has no column for it
    expression = hours.week_to_osm(week, unknown_days=tuple(unknown_days)) if source_lines else ""
    if expression:
        # The list says nothing of public holidays: closed, as the France Services charter has
        # it, written in the hours so that the manager sees it and can change it.
        expression = f"{expression}; {hours.HOLIDAYS_CLOSED}"
    return expression, "\n".join(source_lines)


def _valid_email(line: int, row: dict[str, str], result: FranceServicesImportResult) -> str:
    email = row["mail"]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            result.other_warnings.append(Problem(line, "mail", email, "courriel invalide, ignoré"))
            return ""
    return email


def _site_kind(line: int, row: dict[str, str], result: FranceServicesImportResult) -> str:
    """An antenna by its type, else the kind of its format; an unknown format counts as fixed."""
    kind = SiteKind.ANTENNA if row["type_fs"] == "Antenne" else KIND_BY_FORMAT.get(row["format_fs"])
    if kind is None:
        result.other_warnings.append(
            Problem(line, "format_fs", row["format_fs"], "format inconnu, lieu considéré fixe")
        )
        kind = SiteKind.FIXED
    return kind


def _label_date(
    line: int, row: dict[str, str], result: FranceServicesImportResult
) -> datetime.date | None:
    """The labelling date (dd/mm/yyyy anywhere in the column); an unreadable one is reported."""
    label_date = None
    match = LABEL_DATE.search(row["labellisation_fs"])
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            label_date = datetime.date(year, month, day)
        except ValueError:
            label_date = None
    if label_date is None and row["labellisation_fs"]:
        result.other_warnings.append(
            Problem(line, "labellisation_fs", row["labellisation_fs"], "date de label illisible")
        )
    return label_date


def france_services_import(
    *,
    path: Path = DATA_FILE,
    source: str = SOURCE_LABEL,
    on_row: Callable[[], None] | None = None,
    overwrite: frozenset[str] = frozenset(),
) -> FranceServicesImportResult:
    """Import (or re-import) the official list; see the module docstring for the policy."""
    result = FranceServicesImportResult()
    geography = _Geography.load()
    seen: set[str] = set()
    accepted: list[tuple[Site, datetime.date | None]] = []
    for line, row in read_csv_rows(path, required_columns=REQUIRED_COLUMNS):
        result.rows += 1
        if on_row:
            on_row()
        if row["id_fs"] in seen:
            result.rejected.append(
                Problem(line, "id_fs", row["id_fs"], "identifiant déjà présent plus haut")
            )
            continue
        parsed = _site_from_row(line, row, geography, result)
        if parsed is not None:
            seen.add(row["id_fs"])
            accepted.append(parsed)

    with transaction.atomic():
        programme = LabelProgramme.objects.get(slug=FRANCE_SERVICES)
        existing = {s.fs_id: s for s in Site.objects.filter(fs_id__in=seen)}
        merger = SiteMerger(
            fields=SITE_FIELDS,
            overwrite=overwrite,
            note=f"Import de la liste France Services ({source})",
        )
        merger.load(existing.values())
        to_create, to_update = [], []
        for site, _date in accepted:
            current = existing.get(site.fs_id)
            if current is None:
                to_create.append(site)
            elif merger.merge(current, site):
                to_update.append(current)
            else:
                result.unchanged += 1
        Site.objects.bulk_create(to_create, batch_size=500)
        Site.objects.bulk_update(to_update, merger.update_fields(SITE_FIELDS), batch_size=500)
        merger.created(to_create)
        merger.write_journal()
        result.created, result.updated, result.kept = len(to_create), len(to_update), merger.kept

        site_ids = dict(Site.objects.filter(fs_id__in=seen).values_list("fs_id", "id"))
        # Idempotent on content: a grant on that day is known whichever file brought it.
        known = set(
            LabelDecision.objects.filter(
                programme=programme, outcome=DecisionOutcome.GRANTED, site_id__in=site_ids.values()
            ).values_list("site_id", "effective_date")
        )
        decisions = [
            LabelDecision(
                site_id=site_ids[site.fs_id],
                programme=programme,
                outcome=DecisionOutcome.GRANTED,
                effective_date=day,
                effective_latest=day,
                precision=DatePrecision.DAY,
                source=source,
            )
            for site, day in accepted
            if day is not None and (site_ids[site.fs_id], day) not in known
        ]
        LabelDecision.objects.bulk_create(decisions, batch_size=500)
        result.decisions_created = len(decisions)
        import_record_save(  # the live quality check shows the last import's rejects
            kind=ImportKind.FRANCE_SERVICES,
            file_name=path.name,
            rows=result.rows,
            rejected=result.rejected,
        )
    return result
