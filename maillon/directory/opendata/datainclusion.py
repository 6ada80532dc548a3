"""Maillon's own public sites as structures and services of the data·inclusion schema v1
(`data-inclusion-schema`, the official package, validates every row).

One structure per site (a France Services or a PIMMS is a place that receives the public) and
one service per site, « Accompagnement aux démarches administratives », with its thématiques
coded as the schema does. `reseaux_porteurs` says `france-service` for the sites labelled France
Services on the export day and `pimms-mediation` for the sites of the PIMMS network. Places
imported from other producers are theirs to publish: they are left out. Mapping in
docs/directory.md.
"""

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

import pydantic
from data_inclusion.schema import v1  # type: ignore[import-untyped]  # no py.typed
from django.db.models import Q, QuerySet

from maillon.core.importing import Problem
from maillon.core.text import search_key
from maillon.directory.opendata.export import exported_sites, own_id, own_source, postal_code
from maillon.directory.opendata.phones import to_international
from maillon.labels.enums import FRANCE_SERVICES
from maillon.labels.selectors import sites_labelled_on
from maillon.network.enums import OWN_DATASET_SOURCES
from maillon.network.models import NetworkMembership, Site

FILE_STEM = "data-inclusion"
# network slug → the schema's `ReseauPorteur` value for the sites of its organisations
NETWORK_VALUES = {"pimms": v1.ReseauPorteur.PIMMS_MEDIATION.value}
SERVICE_NAME = "Accompagnement aux démarches administratives"
SERVICE_DESCRIPTION = (
    "Accueil, information et accompagnement dans les démarches administratives du quotidien "
    "(prestations sociales, santé, retraite, emploi, impôts, papiers, énergie) et dans "
    "l'usage des services en ligne, gratuitement, par des agents formés."
)
SERVICE_THEMES = (
    v1.Thematique.DIFFICULTES_ADMINISTRATIVES_OU_JURIDIQUES__ACCOMPAGNEMENT_AUX_DEMARCHES_ADMINISTRATIVES,
    v1.Thematique.DIFFICULTES_ADMINISTRATIVES_OU_JURIDIQUES__ACCOMPAGNEMENT_POUR_LACCES_AUX_DROITS,
    v1.Thematique.NUMERIQUE__ACCEDER_A_DES_SERVICES_EN_LIGNE,
)


def source_slug() -> str:
    """The `source` of the rows: the producer's name as a slug (`maillon`)."""
    return search_key(own_source()).replace(" ", "-") or "maillon"


def _name(site: Site) -> str:
    """3 to 150 characters, no final full stop (a warning of the schema)."""
    name = site.name.strip()[:150].rstrip(". ")
    if len(name) < 3:
        commune = site.commune.name if site.commune else ""
        name = f"{name} {commune}".strip()[:150] or "Point d'accueil"
    return name


def _updated(site: Site, day: datetime.date) -> str:
    dates = [site.updated_at.date()]
    if site.info_confirmed_on:
        dates.append(site.info_confirmed_on)
    return min(max(dates), day).isoformat()


def _networks(site: Site, *, labelled: set[int], pimms_like: dict[int, set[str]]) -> list[str]:
    values = set(pimms_like.get(site.organisation_id or 0, set()))
    if site.pk in labelled:
        values.add(v1.ReseauPorteur.FRANCE_SERVICE.value)
    return sorted(values)


def _place(site: Site) -> dict:
    commune = site.commune
    return {
        "commune": commune.name if commune else None,
        "code_postal": postal_code(site) or None,
        "code_insee": commune.code if commune else None,
        "adresse": site.address or None,
        "complement_adresse": site.address_complement or None,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "telephone": to_international(site.phone) or None,
        "courriel": site.email or None,
    }


def structure_row(site: Site, *, day: datetime.date, networks: list[str]) -> dict:
    organisation = site.organisation
    siret = organisation.siret if organisation and organisation.siret else None
    return {
        "source": source_slug(),
        "id": f"{source_slug()}--{own_id(site)}",
        "nom": _name(site),
        "date_maj": _updated(site, day),
        "description": site.public_note if len(site.public_note.strip()) >= 5 else None,
        "siret": siret,
        **_place(site),
        "site_web": (organisation.website or None) if organisation else None,
        "horaires_accueil": site.opening_hours or None,
        "reseaux_porteurs": networks or None,
    }


def _mobilisation(site: Site) -> list[str]:
    ways = [] if site.appointment_required else [v1.ModeMobilisation.SE_PRESENTER.value]
    if site.phone:
        ways.append(v1.ModeMobilisation.TELEPHONER.value)
    if site.email:
        ways.append(v1.ModeMobilisation.ENVOYER_UN_COURRIEL.value)
    if site.appointment_url:
        ways.append(v1.ModeMobilisation.UTILISER_LIEN_MOBILISATION.value)
    return ways


def service_row(site: Site, *, structure: dict) -> dict:
    return {
        "source": structure["source"],
        "structure_id": structure["id"],
        "id": f"{structure['id']}--demarches",
        "nom": SERVICE_NAME,
        "description": SERVICE_DESCRIPTION,
        "date_maj": structure["date_maj"],
        "type": v1.TypeService.ACCOMPAGNEMENT.value,
        "thematiques": [t.value for t in SERVICE_THEMES],
        "frais": v1.Frais.GRATUIT.value,
        "publics": [v1.Public.TOUS_PUBLICS.value],
        **_place(site),
        "modes_accueil": [v1.ModeAccueil.EN_PRESENTIEL.value],
        "lien_mobilisation": site.appointment_url or None,
        "modes_mobilisation": _mobilisation(site) or None,
        "mobilisable_par": [
            v1.PersonneMobilisatrice.USAGERS.value,
            v1.PersonneMobilisatrice.PROFESSIONNELS.value,
        ],
        "horaires_accueil": site.opening_hours or None,
    }


@dataclass
class DataInclusionExport:
    structures: list[dict] = field(default_factory=list)
    services: list[dict] = field(default_factory=list)
    without_siret: int = 0

    def to_json(self) -> str:
        return json.dumps(
            {"structures": self.structures, "services": self.services},
            ensure_ascii=False,
            separators=(",", ":"),
        )


def _pimms_like_organisations(day: datetime.date) -> dict[int, set[str]]:
    """organisation id → the `ReseauPorteur` values of the networks it belongs to on `day`."""
    found: dict[int, set[str]] = {}
    memberships = NetworkMembership.objects.valid_on(day).filter(network__slug__in=NETWORK_VALUES)
    for organisation_id, slug in memberships.values_list("organisation_id", "network__slug"):
        found.setdefault(organisation_id, set()).add(NETWORK_VALUES[slug])
    return found


def own_exported_sites() -> QuerySet[Site]:
    """The network's own public sites (other producers' places are theirs to publish)."""
    other_producer = ~Q(external_id="") & ~Q(external_source__in=OWN_DATASET_SOURCES)
    return exported_sites().exclude(other_producer)


def export_data_inclusion(*, day: datetime.date) -> DataInclusionExport:
    result = DataInclusionExport()
    labelled = set(
        sites_labelled_on(
            programme=FRANCE_SERVICES, day=day, sites=Site.objects.public()
        ).values_list("pk", flat=True)
    )
    pimms_like = _pimms_like_organisations(day)
    for site in own_exported_sites().iterator(chunk_size=1000):
        structure = structure_row(
            site, day=day, networks=_networks(site, labelled=labelled, pimms_like=pimms_like)
        )
        result.without_siret += structure["siret"] is None
        result.structures.append(structure)
        result.services.append(service_row(site, structure=structure))
    return result


def _problems(model: type[pydantic.BaseModel], rows: Iterable[dict], what: str) -> list[Problem]:
    problems = []
    for index, row in enumerate(rows, start=1):
        try:
            model.model_validate(row, context={"ignore_warnings": False})
        except pydantic.ValidationError as exc:
            for error in exc.errors():
                column = ".".join(str(part) for part in error["loc"]) or "?"
                value = row.get(str(error["loc"][0]), "") if error["loc"] else ""
                problems.append(Problem(index, f"{what}.{column}", str(value), error["msg"]))
    return problems


def export_problems(export: DataInclusionExport) -> list[Problem]:
    """Every row checked by the official package's models (warnings counted as problems)."""
    return _problems(v1.Structure, export.structures, "structure") + _problems(
        v1.Service, export.services, "service"
    )
