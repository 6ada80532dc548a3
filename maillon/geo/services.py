"""Writes of the official geography: the idempotent import of the shipped INSEE files."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from maillon.core.importing import read_csv_rows, read_json
from maillon.core.text import search_key
from maillon.geo.enums import CommuneKind
from maillon.geo.models import Commune, Department, PostalCode, Region

DATA_DIR = Path(__file__).resolve().parent / "data"

POSTAL_FILE_KINDS = {
    "commune-actuelle": CommuneKind.COMMUNE,
    "commune-deleguee": CommuneKind.DELEGATED,
    "commune-associee": CommuneKind.ASSOCIATED,
    "arrondissement-municipal": CommuneKind.MUNICIPAL_ARRONDISSEMENT,
}
# The overseas collectivités whose communes Maillon ships (Saint-Pierre-et-Miquelon,
# Saint-Barthélemy, Saint-Martin, Wallis-et-Futuna, French Polynesia, New Caledonia): the COG
# lists them in a file of their own, and the postal-codes file holds them with their postal
# codes; the TAAF and Clipperton have no inhabited commune.
OVERSEAS_COLLECTIVITIES = ("975", "977", "978", "986", "987", "988")
COMMUNE_FIELDS = (
    "name",
    "search_name",
    "department_id",
    "region_id",
    "canton_code",
    "latitude",
    "longitude",
    "population",
    "is_current",
    "timezone",
)


@dataclass
class GeoImportResult:
    regions: int = 0
    departments: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    postal_codes_added: int = 0
    postal_codes_removed: int = 0
    warnings: list[str] = field(default_factory=list)


def _read_csv(path: Path) -> list[dict[str, str]]:
    return [row for _line, row in read_csv_rows(path, required_columns=())]


def _float(value: str) -> float | None:
    return float(value) if value else None


def _shipped(row: dict) -> bool:
    return row["zone"] != "com" or row["code"] in OVERSEAS_COLLECTIVITIES


def _collectivity_communes(
    postal_rows: dict[tuple[str, str], dict[str, str]], *, skip
) -> dict[tuple[str, str], Commune]:
    """The communes of the overseas collectivités, from the postal-codes file (no coordinates
    are shipped for them: their sites carry their own)."""
    communes = {}
    for key, row in postal_rows.items():
        if row["departement"] not in OVERSEAS_COLLECTIVITIES or key in skip:
            continue
        population = row.get("population") or ""
        communes[key] = Commune(
            code=row["code_insee"],
            kind=key[1],
            name=row["nom"],
            search_name=search_key(row["nom"]),
            department_id=row["departement"],
            region_id=row["region"] or row["departement"],
            canton_code="",
            latitude=None,
            longitude=None,
            population=int(population) if population else None,
            is_current=True,
        )
    return communes


def geo_import(
    *, data_dir: Path = DATA_DIR, on_step: Callable[[str], None] | None = None
) -> GeoImportResult:
    """Load régions, départements, communes, postal codes and coordinates; idempotent.

    The whole import runs in one transaction: it lands completely or not at all.
    """
    step = on_step or (lambda _label: None)
    result = GeoImportResult()
    # Régions and départements of the COG (metropolitan and overseas), and the overseas
    # collectivités ("zone": "com") whose communes are shipped, each as its own région and
    # département, as the COG codes them.
    regions = [r for r in read_json(data_dir / "regions.json") if _shipped(r)]
    timezones = read_json(data_dir / "region-timezones.json")
    commune_timezones = read_json(data_dir / "commune-timezones.json")
    departments = [d for d in read_json(data_dir / "departements.json") if _shipped(d)]
    cog_rows = _read_csv(data_dir / "cog-communes-2026.csv")
    step("cog")
    postal_rows: dict[tuple[str, str], dict[str, str]] = {
        (row["code_insee"], POSTAL_FILE_KINDS[row["type"]]): row
        for row in _read_csv(data_dir / "communes-codes-postaux-2026.csv")
    }
    step("postal")
    coordinates = {
        (row["insee_com"], row["commune_type"]): row
        for row in _read_csv(data_dir / "communes-coordonnees.csv")
    }
    step("coordinates")

    with transaction.atomic():
        Region.objects.bulk_create(
            [
                Region(
                    code=r["code"], name=r["nom"], timezone=timezones.get(r["code"], "Europe/Paris")
                )
                for r in regions
            ],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "timezone"],
        )
        Department.objects.bulk_create(
            [Department(code=d["code"], name=d["nom"], region_id=d["region"]) for d in departments],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "region"],
        )
        result.regions, result.departments = len(regions), len(departments)
        department_codes = {d["code"] for d in departments}
        department_region = {d["code"]: d["region"] for d in departments}

        wanted: dict[tuple[str, str], Commune] = {}
        parents: dict[tuple[str, str], str] = {}
        for row in cog_rows:
            key = (row["COM"], row["TYPECOM"])
            postal = postal_rows.get(key, {})
            department = row["DEP"] or postal.get("departement", "")
            if department not in department_codes:
                result.warnings.append(
                    f"{row['COM']} {row['LIBELLE']}: département {department!r} inconnu, ignorée"
                )
                continue
            coords = coordinates.get(key, {})
            population = postal.get("population") or coords.get("population_2021") or ""
            wanted[key] = Commune(
                code=row["COM"],
                kind=row["TYPECOM"],
                name=row["LIBELLE"],
                search_name=search_key(row["LIBELLE"]),
                department_id=department,
                region_id=row["REG"] or department_region[department],
                canton_code=row["CAN"],
                latitude=_float(coords.get("lat", "")),
                longitude=_float(coords.get("lng", "")),
                population=int(population) if population else None,
                is_current=True,
            )
            if row["COMPARENT"]:
                parents[key] = row["COMPARENT"]
        wanted.update(_collectivity_communes(postal_rows, skip=wanted.keys()))
        for (code, _kind), commune in wanted.items():
            commune.timezone = commune_timezones.get(code, "")
        step("communes")

        existing = {(c.code, c.kind): c for c in Commune.objects.all()}
        to_create, to_update = [], []
        for key, commune in wanted.items():
            current = existing.get(key)
            if current is None:
                to_create.append(commune)
                continue
            if any(getattr(current, f) != getattr(commune, f) for f in COMMUNE_FIELDS):
                for name in COMMUNE_FIELDS:
                    setattr(current, name, getattr(commune, name))
                to_update.append(current)
            else:
                result.unchanged += 1
        Commune.objects.bulk_create(to_create, batch_size=2000)
        Commune.objects.bulk_update(to_update, COMMUNE_FIELDS, batch_size=2000)
        result.created, result.updated = len(to_create), len(to_update)
        retired = [k for k, c in existing.items() if k not in wanted and c.is_current]
        for code, kind in retired:
            Commune.objects.filter(code=code, kind=kind).update(is_current=False)
        result.retired = len(retired)
        step("save")

        ids = {
            (code, kind): pk for code, kind, pk in Commune.objects.values_list("code", "kind", "id")
        }
        parent_updates = []
        current_parent = dict(Commune.objects.values_list("id", "parent_id"))
        for key, pk in ids.items():
            parent_code = parents.get(key)
            parent_id = ids.get((parent_code, CommuneKind.COMMUNE)) if parent_code else None
            if current_parent[pk] != parent_id and key in wanted:
                parent_updates.append(Commune(id=pk, parent_id=parent_id))
        Commune.objects.bulk_update(parent_updates, ["parent"], batch_size=2000)

        wanted_postal = {
            (code, ids[key])
            for key, row in postal_rows.items()
            if key in ids
            for code in row["codes_postaux"].split()
        }
        existing_postal = dict(
            ((code, commune_id), pk)
            for pk, code, commune_id in PostalCode.objects.values_list("id", "code", "commune_id")
        )
        PostalCode.objects.bulk_create(
            [PostalCode(code=c, commune_id=i) for c, i in wanted_postal - existing_postal.keys()],
            batch_size=5000,
        )
        stale = [pk for key, pk in existing_postal.items() if key not in wanted_postal]
        PostalCode.objects.filter(id__in=stale).delete()
        result.postal_codes_added = len(wanted_postal - existing_postal.keys())
        result.postal_codes_removed = len(stale)
        step("postal codes")
    return result
