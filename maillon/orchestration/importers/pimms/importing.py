"""Loader of the curated PIMMS dataset (maillon/orchestration/data/pimms/, see its README).

The dataset is the Union nationale des PIMMS as its documents describe it: organisations and
their names over time, sites (matched to the ANCT list by `id_fs`), labelling waves and
decisions, the lists printed in the press releases (verbatim, mistakes included), the declared
figures and the AFNOR certification. Every row names the document it comes from.

Loading is idempotent (re-running updates in place) and all-or-nothing: any row that cannot be
taken (unknown INSEE code, unknown key) is reported with its file, line and column, and nothing
is written. This module reads and checks the dataset; `loaders` writes it.
"""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from maillon.core.importing import ImportFileError, Problem, read_csv_rows
from maillon.geo.enums import CURRENT_KINDS
from maillon.geo.models import Commune
from maillon.labels.enums import DatePrecision
from maillon.network.enums import OrganisationKind, SiteKind
from maillon.network.models import Network, Organisation
from maillon.orchestration.importers.pimms.loaders import (
    dataset_date,
    load_certifications,
    load_decisions,
    load_figures,
    load_organisations,
    load_publications,
    load_sites,
    load_waves,
)

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "pimms"
NETWORK_SLUG = "pimms"
NETWORK_NAME = "Union nationale des PIMMS"

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


class _Checker:
    """Collects located problems while rows are converted."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, Problem]] = []

    def date(self, file: str, line: int, row: dict, column: str) -> datetime.date | None:
        try:
            return dataset_date(row[column])
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
    result = PimmsImportResult()
    sources = _sources(dataset)
    communes = _communes({row["insee_com"] for _line, row in dataset["sites"]})
    check = _Checker()
    _check_sources_known(dataset, sources, check)
    _check_organisations(dataset, check)
    _check_sites(dataset, communes, check)
    _check_decisions(dataset, check)
    _check_publication_entries(dataset, check)
    if check.problems:
        raise PimmsDatasetError(check.problems)

    network = _network_with_head()
    short_sources = {row["key"]: row["short"] for _line, row in dataset["sources"]}
    organisations = load_organisations(dataset, network, short_sources, result)
    sites = load_sites(dataset, organisations, communes, result, overwrite)
    waves = load_waves(dataset, sources, result)
    load_decisions(dataset, sites, waves, sources, result)
    load_publications(dataset, sites, sources, result)
    load_figures(dataset, sources, result)
    load_certifications(dataset, organisations, sources, result)
    return result


def _check_sources_known(dataset: _Dataset, sources: dict[str, str], check: _Checker) -> None:
    """Every row that names its documents names documents of sources.csv."""
    for file in ("organisations", "organisation_names", "sites", "waves", "figures"):
        for line, row in dataset[file]:
            for key in row.get("source", "").split(";"):
                if key.strip() and key.strip() not in sources:
                    check.fail(file, line, row, "source", "document inconnu de sources.csv")


def _check_organisations(dataset: _Dataset, check: _Checker) -> None:
    for line, row in dataset["organisations"]:
        if row["kind"] not in OrganisationKind.values:
            check.fail("organisations", line, row, "kind", "nature de structure inconnue")


def _check_sites(dataset: _Dataset, communes: dict[str, Commune], check: _Checker) -> None:
    """A site is in a commune in force, belongs to an organisation of the dataset and has a
    known kind."""
    org_keys = {row["key"] for _line, row in dataset["organisations"]}
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


def _check_decisions(dataset: _Dataset, check: _Checker) -> None:
    """A decision names a site and a wave of the dataset, a known date precision, and dates
    that agree with it (a range in order; one date when precise to the day)."""
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


def _check_publication_entries(dataset: _Dataset, check: _Checker) -> None:
    site_keys = {row["key"] for _line, row in dataset["sites"]}
    for line, row in dataset["publication_entries"]:
        if row["site"] and row["site"] not in site_keys:
            check.fail("publication_entries", line, row, "site", "point d'accueil inconnu")


def _network_with_head() -> Network:
    """The PIMMS network, headed by the Union nationale (both created on the first import)."""
    network, _created = Network.objects.get_or_create(
        slug=NETWORK_SLUG, defaults={"name": NETWORK_NAME}
    )
    head = Organisation.objects.filter(name=NETWORK_NAME).first() or Organisation.objects.create(
        name=NETWORK_NAME, kind=OrganisationKind.ASSOCIATION
    )
    if network.head_id != head.pk:
        network.head = head
        network.save(update_fields=["head"])
    return network
