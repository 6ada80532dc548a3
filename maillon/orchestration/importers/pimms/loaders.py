"""The writes of the PIMMS import (`importing.py`), one function per file of the dataset, run
once the whole dataset has been checked: organisations and their names, sites, labelling waves
and decisions, printed lists, declared figures, certifications."""

import datetime
from collections.abc import Iterator
from decimal import Decimal

from maillon.labels.models import (
    Certification,
    LabelDecision,
    LabelProgramme,
    Publication,
    PublicationEntry,
    Wave,
)
from maillon.network.enums import PIMMS_DATASET_SOURCE
from maillon.network.merging import SiteMerger
from maillon.network.models import Network, NetworkMembership, Organisation, OrganisationName, Site
from maillon.reports.models import DeclaredFigure

EXTERNAL_SOURCE = PIMMS_DATASET_SOURCE


def dataset_date(value: str) -> datetime.date | None:
    """A date of the dataset (ISO format; empty when unknown)."""
    return datetime.date.fromisoformat(value) if value else None


def load_organisations(dataset, network, sources, result) -> dict[str, Organisation]:
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
            first = dataset_date(rows[0]["attested_on"])
            OrganisationName.objects.create(
                organisation=organisation,
                name=name,
                valid_from=None if index == 0 else first,
                source="attesté : "
                + " ; ".join(
                    f"{dataset_date(r['attested_on']):%d/%m/%Y} ({sources[r['source']]})"
                    for r in rows
                ),
            )
    return organisations


SITE_FIELDS = ("organisation_id", "name", "commune_id", "external_source", "external_id")


def load_sites(dataset, organisations, communes, result, overwrite) -> dict[str, Site]:
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


def load_waves(dataset, sources, result) -> dict[str, Wave]:
    waves: dict[str, Wave] = {}
    for _line, row in dataset["waves"]:
        programme = LabelProgramme.objects.get(slug=row["programme"])
        wave, _created = Wave.objects.update_or_create(
            programme=programme,
            date=dataset_date(row["date"]),
            defaults={"name": row["name"], "effective_date": dataset_date(row["effective_date"])},
        )
        waves[row["key"]] = wave
        result.waves += 1
    return waves


def load_decisions(dataset, sites, waves, sources, result) -> None:
    programmes = {p.slug: p for p in LabelProgramme.objects.all()}
    for _line, row in dataset["decisions"]:
        source = sources[row["source"]]
        decision, created = LabelDecision.objects.get_or_create(
            site=sites[row["site"]],
            programme=programmes[row["programme"]],
            outcome=row["outcome"],
            effective_date=dataset_date(row["effective_date"]),
            source=source,
            defaults={
                "effective_latest": dataset_date(row["effective_latest"]),
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


def load_publications(dataset, sites, sources, result) -> None:
    publications: dict[str, Publication] = {}
    for _line, row in dataset["publications"]:
        publication, _created = Publication.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "network": Network.objects.get(slug=row["network"]),
                "programme": LabelProgramme.objects.get(slug=row["programme"]),
                "title": row["title"],
                "published_on": dataset_date(row["published_on"]),
                "labelled_on": dataset_date(row["labelled_on"]),
                "new_since": dataset_date(row["new_since"]),
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


def load_figures(dataset, sources, result) -> None:
    networks = {n.slug: n for n in Network.objects.all()}
    figures: dict[str, DeclaredFigure] = {}
    source_dates = {row["key"]: dataset_date(row["date"]) for _line, row in dataset["sources"]}
    rows = [row for _line, row in dataset["figures"]]
    for row in sorted(rows, key=lambda r: bool(r["total"])):  # totals before their parts
        figure, _created = DeclaredFigure.objects.update_or_create(
            reference=f"pimms-{row['key']}",
            defaults={
                "indicator": row["indicator"],
                "scope_type": row["scope_type"],
                "scope_code": row["scope_code"],
                "breakdown": row["breakdown"],
                "period_start": dataset_date(row["period_start"]),
                "period_end": dataset_date(row["period_end"]),
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


def load_certifications(dataset, organisations, sources, result) -> None:
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
                granted_on=dataset_date(row["granted_on"]),
                defaults={
                    "name": row["name"],
                    "granted_latest": dataset_date(row["granted_latest"]),
                    "precision": row["precision"],
                    "source": sources[row["source"]],
                },
            )
            result.certifications += 1
