"""Loader of the curated PIMMS dataset (maillon/orchestration/data/pimms/, see its README).

The dataset is the Union nationale des PIMMS as its documents describe it: organisations and
their names over time, sites (matched to the ANCT list by `id_fs`), labelling waves and
decisions, the lists printed in the press releases (verbatim, mistakes included), the declared
figures and the AFNOR certification. Every row names the document it comes from.

Loading is idempotent (re-running updates in place) and all-or-nothing: any row that cannot be
taken (unknown INSEE code, unknown key) is reported with its file, line and column, and nothing
is written.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from maillon.core.importing import ImportFileError, Problem, read_csv_rows
from maillon.geo.enums import CURRENT_KINDS
from maillon.geo.models import Commune
from maillon.labels.enums import DatePrecision
from maillon.labels.models import (
    Certification,
    LabelDecision,
    LabelProgramme,
    Publication,
    PublicationEntry,
    Wave,
)
from maillon.network.enums import PIMMS_DATASET_SOURCE, OrganisationKind, SiteKind
from maillon.network.merging import SiteMerger
from maillon.network.models import (
    Network,
    NetworkMembership,
    Organisation,
    OrganisationName,
    Site,
)
from maillon.reports.models import DeclaredFigure

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "pimms"
NETWORK_SLUG = "pimms"
NETWORK_NAME = "Union nationale des PIMMS"
EXTERNAL_SOURCE = PIMMS_DATASET_SOURCE

FILES = {
    "sources": ("key", "title", "short", "date", "kind", "note"),
    "organisations": ("key", "name", "kind", "source"),
    "organisation_names": ("organisation", "name", "attested_on", "source"),
    "sites": ("key", "organisation", "name", "kind", "insee_com", "fs_id", "source", "note"),
    "waves": ("key", "programme", "name", "date", "effective_date", "source", "note"),
    "decisions": (
        "site",
        "programme",
        "outcome",
        "effective_date",
        "effective_latest",
        "precision",
        "wave",
        "source",
        "confirmed_by",
    ),
    "publications": (
        "slug",
        "network",
        "programme",
        "title",
        "published_on",
        "labelled_on",
        "new_since",
        "declared_total",
        "declared_new",
        "declared_departments",
        "source",
    ),
    "publication_entries": (
        "publication",
        "position",
        "printed_region",
        "printed_department",
        "printed_commune",
        "printed_name",
        "marked_new",
        "site",
        "match_note",
    ),
    "figures": (
        "key",
        "indicator",
        "label",
        "value",
        "unit",
        "qualifier",
        "scope_type",
        "scope_code",
        "network",
        "breakdown",
        "total",
        "period_start",
        "period_end",
        "precision",
        "source",
        "quote",
    ),
    "certifications": (
        "organisation",
        "standard",
        "name",
        "granted_on",
        "granted_latest",
        "precision",
        "source",
        "quote",
    ),
}


class PimmsDatasetError(ImportFileError):
    """The dataset has rows that cannot be taken: nothing was written."""

    def __init__(self, problems: list[tuple[str, Problem]]):
        self.problems = problems
        lines = [f"{name}, {problem}" for name, problem in problems]
        super().__init__(
            "Jeu de données PIMMS invalide, rien n'a été importé :\n" + "\n".join(lines)
        )


@dataclass
class PimmsImportResult:
    organisations: int = 0
    sites_created: int = 0
    sites_updated: int = 0
    sites_kept: int = 0  # values kept: a site's organisation, a name a manager set
    waves: int = 0
    decisions_created: int = 0
    decisions_linked: int = 0
    publications: int = 0
    entries: int = 0
    figures: int = 0
    certifications: int = 0
    warnings: list[tuple[str, Problem]] = field(default_factory=list)


@dataclass
class _Dataset:
    rows: dict[str, list[tuple[int, dict[str, str]]]]

    def __getitem__(self, name: str) -> list[tuple[int, dict[str, str]]]:
        return self.rows[name]


def _read(directory: Path) -> _Dataset:
    rows = {}
    for name, columns in FILES.items():
        rows[name] = list(read_csv_rows(directory / f"{name}.csv", required_columns=columns))
    return _Dataset(rows)


def _date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


class _Checker:
    """Collects located problems while rows are converted."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, Problem]] = []

    def date(self, file: str, line: int, row: dict, column: str) -> datetime.date | None:
        try:
            return _date(row[column])
        except ValueError:
            self.fail(file, line, row, column, "date illisible (format attendu AAAA-MM-JJ)")
            return None

    def fail(self, file: str, line: int, row: dict, column: str, reason: str) -> None:
        self.problems.append((f"{file}.csv", Problem(line, column, row.get(column, ""), reason)))


def _communes(codes: set[str]) -> dict[str, Commune]:
    found: dict[str, Commune] = {}
    for commune in Commune.objects.filter(code__in=codes, kind__in=CURRENT_KINDS):
        found[commune.code] = commune
    return found


def _sources(dataset: _Dataset) -> dict[str, str]:
    return {row["key"]: row["title"] for _line, row in dataset["sources"]}


def _source_titles(keys: str, sources: dict[str, str]) -> str:
    return " ; ".join(sources.get(k.strip(), k.strip()) for k in keys.split(";") if k.strip())


@transaction.atomic
def pimms_network_import(
    *, directory: Path = DATA_DIR, overwrite: frozenset[str] = frozenset()
) -> PimmsImportResult:
    """Load (or reload) the PIMMS dataset; raises PimmsDatasetError and writes nothing on error.

    Sites already here keep their organisation and what a person set, unless named in
    `overwrite` (see merging.py); site creations and changes are journaled."""
    dataset = _read(directory)
    check = _Checker()
    result = PimmsImportResult()
    sources = _sources(dataset)

    for file in ("organisations", "organisation_names", "sites", "waves", "figures"):
        for line, row in dataset[file]:
            for key in row.get("source", "").split(";"):
                if key.strip() and key.strip() not in sources:
                    check.fail(file, line, row, "source", "document inconnu de sources.csv")

    communes = _communes({row["insee_com"] for _line, row in dataset["sites"]})
    org_keys = {row["key"] for _line, row in dataset["organisations"]}
    for line, row in dataset["organisations"]:
        if row["kind"] not in OrganisationKind.values:
            check.fail("organisations", line, row, "kind", "nature de structure inconnue")
    for line, row in dataset["sites"]:
        if row["insee_com"] not in communes:
            check.fail(
                "sites",
                line,
                row,
                "insee_com",
                "code INSEE absent des communes en vigueur de la géographie officielle",
            )
        if row["organisation"] not in org_keys:
            check.fail("sites", line, row, "organisation", "structure inconnue")
        if row["kind"] not in SiteKind.values:
            check.fail("sites", line, row, "kind", "type de point d'accueil inconnu")
    site_keys = {row["key"] for _line, row in dataset["sites"]}
    wave_keys = {row["key"] for _line, row in dataset["waves"]}
    for line, row in dataset["decisions"]:
        if row["site"] not in site_keys:
            check.fail("decisions", line, row, "site", "point d'accueil inconnu")
        if row["wave"] and row["wave"] not in wave_keys:
            check.fail("decisions", line, row, "wave", "vague inconnue")
        if row["precision"] not in DatePrecision.values:
            check.fail("decisions", line, row, "precision", "précision de date inconnue")
        start = check.date("decisions", line, row, "effective_date")
        end = check.date("decisions", line, row, "effective_latest")
        if start and end and end < start:
            check.fail(
                "decisions",
                line,
                row,
                "effective_latest",
                "date au plus tard avant la date au plus tôt",
            )
        if row["precision"] == DatePrecision.DAY and start != end:
            check.fail(
                "decisions",
                line,
                row,
                "precision",
                "précision « jour » mais deux dates différentes",
            )
    for line, row in dataset["publication_entries"]:
        if row["site"] and row["site"] not in site_keys:
            check.fail("publication_entries", line, row, "site", "point d'accueil inconnu")
    if check.problems:
        raise PimmsDatasetError(check.problems)

    network, _created = Network.objects.get_or_create(
        slug=NETWORK_SLUG, defaults={"name": NETWORK_NAME}
    )
    head = Organisation.objects.filter(name=NETWORK_NAME).first() or Organisation.objects.create(
        name=NETWORK_NAME, kind=OrganisationKind.ASSOCIATION
    )
    if network.head_id != head.pk:
        network.head = head
        network.save(update_fields=["head"])

    short_sources = {row["key"]: row["short"] for _line, row in dataset["sources"]}
    organisations = _load_organisations(dataset, network, short_sources, result)
    sites = _load_sites(dataset, organisations, communes, result, overwrite)
    waves = _load_waves(dataset, sources, result)
    _load_decisions(dataset, sites, waves, sources, result)
    _load_publications(dataset, sites, sources, result)
    _load_figures(dataset, sources, result)
    _load_certifications(dataset, organisations, sources, result)
    return result


def _load_organisations(dataset, network, sources, result) -> dict[str, Organisation]:
    names_by_org: dict[str, list[dict]] = {}
    for _line, row in dataset["organisation_names"]:
        names_by_org.setdefault(row["organisation"], []).append(row)
    organisations: dict[str, Organisation] = {}
    for _line, row in dataset["organisations"]:
        known_names = {row["name"], *(n["name"] for n in names_by_org.get(row["key"], []))}
        organisation = (
            Organisation.objects.filter(name=row["name"]).first()
            or Organisation.objects.filter(names__name__in=known_names).first()
        )
        if organisation is None:
            organisation = Organisation.objects.create(name=row["name"], kind=row["kind"])
        elif organisation.name != row["name"] or organisation.kind != row["kind"]:
            organisation.name, organisation.kind = row["name"], row["kind"]
            organisation.save(update_fields=["name", "kind", "updated_at"])
        NetworkMembership.objects.get_or_create(network=network, organisation=organisation)
        organisations[row["key"]] = organisation
        result.organisations += 1

        # Names: one row per distinct name, in order of first attestation; the first name has
        # no known start, each later one starts at its first attestation (never invented).
        OrganisationName.objects.filter(organisation=organisation).delete()
        attested: dict[str, list[dict]] = {}
        for name_row in sorted(names_by_org.get(row["key"], []), key=lambda r: r["attested_on"]):
            attested.setdefault(name_row["name"], []).append(name_row)
        for index, (name, rows) in enumerate(attested.items()):
            first = _date(rows[0]["attested_on"])
            OrganisationName.objects.create(
                organisation=organisation,
                name=name,
                valid_from=None if index == 0 else first,
                source="attesté : "
                + " ; ".join(
                    f"{_date(r['attested_on']):%d/%m/%Y} ({sources[r['source']]})" for r in rows
                ),
            )
    return organisations


SITE_FIELDS = ("organisation_id", "name", "commune_id", "external_source", "external_id")


def _load_sites(dataset, organisations, communes, result, overwrite) -> dict[str, Site]:
    """Create the dataset's sites or match them (dataset key, then `id_fs`); a matched site
    keeps its organisation and what a person set unless in `overwrite` (merging.py)."""
    rows = [row for _line, row in dataset["sites"]]
    by_fs_id = {
        s.fs_id: s for s in Site.objects.filter(fs_id__in=[r["fs_id"] for r in rows if r["fs_id"]])
    }
    by_key = {
        s.external_id: s
        for s in Site.objects.filter(
            external_source=EXTERNAL_SOURCE, external_id__in=[r["key"] for r in rows]
        )
    }
    merger = SiteMerger(
        fields=SITE_FIELDS, overwrite=overwrite, note="Import du jeu de données PIMMS"
    )
    merger.load([*by_fs_id.values(), *by_key.values()])
    sites: dict[str, Site] = {}
    created = []
    for row in rows:
        site = by_key.get(row["key"]) or by_fs_id.get(row["fs_id"])
        incoming = Site(
            organisation=organisations[row["organisation"]],
            name=row["name"],
            external_source=EXTERNAL_SOURCE,
            external_id=row["key"],
            kind=row["kind"],
            commune=communes[row["insee_com"]],
            fs_id=row["fs_id"] or None,
        )
        if site is None:
            incoming.save()
            created.append(incoming)
            site = incoming
            result.sites_created += 1
        else:
            if site.commune_id is not None:  # the ANCT list's commune is kept
                incoming.commune_id = site.commune_id
            if merger.merge(site, incoming):
                site.save(update_fields=merger.update_fields(SITE_FIELDS))
                result.sites_updated += 1
        sites[row["key"]] = site
    merger.created(created)
    merger.write_journal()
    result.sites_kept = merger.kept
    return sites


def _load_waves(dataset, sources, result) -> dict[str, Wave]:
    waves: dict[str, Wave] = {}
    for _line, row in dataset["waves"]:
        programme = LabelProgramme.objects.get(slug=row["programme"])
        wave, _created = Wave.objects.update_or_create(
            programme=programme,
            date=_date(row["date"]),
            defaults={"name": row["name"], "effective_date": _date(row["effective_date"])},
        )
        waves[row["key"]] = wave
        result.waves += 1
    return waves


def _load_decisions(dataset, sites, waves, sources, result) -> None:
    programmes = {p.slug: p for p in LabelProgramme.objects.all()}
    for _line, row in dataset["decisions"]:
        source = sources[row["source"]]
        decision, created = LabelDecision.objects.get_or_create(
            site=sites[row["site"]],
            programme=programmes[row["programme"]],
            outcome=row["outcome"],
            effective_date=_date(row["effective_date"]),
            source=source,
            defaults={
                "effective_latest": _date(row["effective_latest"]),
                "precision": row["precision"],
                "wave": waves.get(row["wave"]),
            },
        )
        if created:
            result.decisions_created += 1
        elif decision.wave_id != getattr(waves.get(row["wave"]), "pk", None):
            decision.wave = waves.get(row["wave"])
            decision.save(update_fields=["wave"])
            result.decisions_linked += 1


def _load_publications(dataset, sites, sources, result) -> None:
    publications: dict[str, Publication] = {}
    for _line, row in dataset["publications"]:
        publication, _created = Publication.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "network": Network.objects.get(slug=row["network"]),
                "programme": LabelProgramme.objects.get(slug=row["programme"]),
                "title": row["title"],
                "published_on": _date(row["published_on"]),
                "labelled_on": _date(row["labelled_on"]),
                "new_since": _date(row["new_since"]),
                "declared_total": int(row["declared_total"]) if row["declared_total"] else None,
                "declared_new": int(row["declared_new"]) if row["declared_new"] else None,
                "declared_departments": (
                    int(row["declared_departments"]) if row["declared_departments"] else None
                ),
                "source": sources[row["source"]],
            },
        )
        publication.entries.all().delete()
        publications[row["slug"]] = publication
        result.publications += 1
    entries = [
        PublicationEntry(
            publication=publications[row["publication"]],
            position=int(row["position"]),
            printed_region=row["printed_region"],
            printed_department=row["printed_department"],
            printed_commune=row["printed_commune"],
            printed_name=row["printed_name"],
            marked_new=row["marked_new"] == "1",
            site=sites.get(row["site"]),
            match_note=row["match_note"],
        )
        for _line, row in dataset["publication_entries"]
    ]
    PublicationEntry.objects.bulk_create(entries)
    result.entries = len(entries)


def _load_figures(dataset, sources, result) -> None:
    networks = {n.slug: n for n in Network.objects.all()}
    figures: dict[str, DeclaredFigure] = {}
    source_dates = {row["key"]: _date(row["date"]) for _line, row in dataset["sources"]}
    rows = [row for _line, row in dataset["figures"]]
    for row in sorted(rows, key=lambda r: bool(r["total"])):  # totals before their parts
        figure, _created = DeclaredFigure.objects.update_or_create(
            reference=f"pimms-{row['key']}",
            defaults={
                "indicator": row["indicator"],
                "scope_type": row["scope_type"],
                "scope_code": row["scope_code"],
                "breakdown": row["breakdown"],
                "period_start": _date(row["period_start"]),
                "period_end": _date(row["period_end"]),
                "source": sources[row["source"]],
                "label": row["label"],
                "value": Decimal(row["value"]),
                "unit": row["unit"],
                "qualifier": row["qualifier"],
                "network": networks.get(row["network"]),
                "total": figures.get(row["total"]),
                "precision": row["precision"],
                "source_date": source_dates[row["source"]],
                "quote": row["quote"],
            },
        )
        figures[row["key"]] = figure
        result.figures += 1


def _load_certifications(dataset, organisations, sources, result) -> None:
    for _line, row in dataset["certifications"]:
        targets: Iterator[Organisation] = (
            iter(organisations.values())
            if row["organisation"] == "*"
            else iter([organisations[row["organisation"]]])
        )
        for organisation in targets:
            Certification.objects.update_or_create(
                organisation=organisation,
                standard=row["standard"],
                granted_on=_date(row["granted_on"]),
                defaults={
                    "name": row["name"],
                    "granted_latest": _date(row["granted_latest"]),
                    "precision": row["precision"],
                    "source": sources[row["source"]],
                },
            )
            result.certifications += 1
