"""Maillon's public sites as rows of the national standard (CSV and JSON).

Mapping (docs/directory.md): `id` is `fs-<ANCT id>` for a France Services site, `maillon-<pk>`
for another site of the network (those of the network's own dataset included), and the
producer's own id for a place imported from another network; `pivot` is the organisation's
SIRET, or `00000000000000` (the national cartography's "unknown" value, the schema requires a
pivot) when there is none — `rows_without_siret` counts those rows;
`horaires` is the OSM expression; `itinerance` is `Itinérant` for buses and itinerant
services; `dispositif_programmes_nationaux` is `France Services` for the sites labelled on the
export day.
"""

import datetime
import io
import json
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models import QuerySet

from maillon.core.spreadsheets import dict_writer
from maillon.directory.opendata.phones import to_international
from maillon.directory.opendata.schema import field_names
from maillon.labels.enums import FRANCE_SERVICES
from maillon.labels.selectors import sites_labelled_on
from maillon.network.models import Site

UNKNOWN_PIVOT = "00000000000000"
OWN_SERVICES = "Aide aux démarches administratives"
FILE_STEM = "lieux-mediation-numerique"


def own_source() -> str:
    """The `source` written on the network's own places."""
    return getattr(settings, "MAILLON_OPEN_DATA_SOURCE", "Maillon")


def own_id(site: Site) -> str:
    return f"fs-{site.fs_id}" if site.fs_id else f"maillon-{site.pk}"


def exported_sites() -> QuerySet[Site]:
    return (
        Site.objects.public()
        .select_related("commune", "organisation")
        .prefetch_related("commune__postal_codes")
        .order_by("pk")
    )


def _access(site: Site) -> str:
    ways = []
    if not site.appointment_required:
        ways.append("Se présenter")
    if site.phone:
        ways.append("Téléphoner")
    if site.email:
        ways.append("Contacter par mail")
    if site.appointment_url:
        ways.append("Prendre un RDV en ligne")
    return "|".join(ways)


def postal_code(site: Site) -> str:
    if len(site.postal_code) == 5 and site.postal_code.isdigit():
        return site.postal_code
    commune = site.commune
    codes = sorted(p.code for p in commune.postal_codes.all()) if commune is not None else []
    return codes[0] if codes else ""


def site_row(site: Site, *, labelled: bool, day: datetime.date) -> dict[str, str]:
    """One row of the standard (all values as text, "" when unknown)."""
    external = site.is_from_other_producer
    organisation, commune = site.organisation, site.commune
    siret = organisation.siret if organisation and organisation.siret else ""
    row = dict.fromkeys(field_names(), "")
    row.update(
        {
            "id": site.external_id if external else own_id(site),
            "pivot": siret or UNKNOWN_PIVOT,
            "nom": site.name,
            "commune": commune.name if commune is not None else "",
            "code_postal": postal_code(site),
            "code_insee": commune.code if commune is not None else "",
            "adresse": site.address or site.name,
            "complement_adresse": site.address_complement,
            "latitude": f"{site.latitude:.6f}".rstrip("0").rstrip(".")
            if site.latitude is not None
            else "",
            "longitude": f"{site.longitude:.6f}".rstrip("0").rstrip(".")
            if site.longitude is not None
            else "",
            "telephone": to_international(site.phone),
            "courriels": site.email,
            "site_web": organisation.website if organisation else "",
            "horaires": site.opening_hours,
            "presentation_detail": site.public_note,
            "source": site.external_source if external else own_source(),
            "itinerance": "Itinérant" if site.is_mobile else "Fixe",
            "structure_parente": organisation.name if organisation else "",
            "date_maj": site.updated_at.date().isoformat(),
            "services": site.services if external else (site.services or OWN_SERVICES),
            "frais_a_charge": "" if external else "Gratuit",
            "dispositif_programmes_nationaux": "France Services" if labelled else "",
            "modalites_acces": _access(site),
            "prise_rdv": site.appointment_url,
        }
    )
    return row


def export_rows(*, day: datetime.date, sites: QuerySet[Site] | None = None) -> Iterator[dict]:
    sites = exported_sites() if sites is None else sites
    labelled = set(
        sites_labelled_on(
            programme=FRANCE_SERVICES, day=day, sites=Site.objects.public()
        ).values_list("pk", flat=True)
    )
    seen: set[str] = set()
    for site in sites.iterator(chunk_size=1000):
        row = site_row(site, labelled=site.pk in labelled, day=day)
        if row["id"] in seen:  # two producers used the same local id
            row["id"] = f"{row['source']}-{row['id']}"
        seen.add(row["id"])
        yield row


def rows_without_siret(rows: Iterable[dict[str, str]]) -> int:
    """How many rows carry the "unknown" pivot (no SIRET known for their organisation)."""
    return sum(row["pivot"] == UNKNOWN_PIVOT for row in rows)


def rows_to_csv(rows: Iterable[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = dict_writer(buffer, fieldnames=field_names(), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def rows_to_json(rows: Iterable[dict[str, str]]) -> str:
    """A JSON array of objects with every field of the standard (null when unknown; numbers for
    the coordinates)."""
    items = []
    for row in rows:
        item: dict[str, object] = {k: (v if v != "" else None) for k, v in row.items()}
        for name in ("latitude", "longitude"):
            if row[name] != "":
                item[name] = float(row[name])
        items.append(item)
    return json.dumps(items, ensure_ascii=False, separators=(",", ":"))


def export_text(*, fmt: str, day: datetime.date) -> str:
    rows = export_rows(day=day)
    return rows_to_csv(rows) if fmt == "csv" else rows_to_json(rows)
