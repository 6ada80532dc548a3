"""Re-importing the network's own open data (C2 of the trust issue): the demo's data is loaded
the way `maillon demo` does (geography, the ANCT list, the PIMMS dataset), the public file is
downloaded from `/donnees/lieux-mediation-numerique.csv` and imported back with the command."""

import csv
import io

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict

from maillon.directory.opendata.export import rows_to_csv
from maillon.journal.models import JournalEntry
from maillon.network.models import Network, Site
from maillon.orchestration.importers.france_services import france_services_import
from maillon.orchestration.importers.pimms import pimms_network_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def network_data():
    france_services_import()
    pimms_network_import()
    return Network.objects.get(slug="pimms")


def _download(client, tmp_path, fmt="csv"):
    response = client.get(f"/donnees/lieux-mediation-numerique.{fmt}")
    assert response.status_code == 200
    path = tmp_path / f"lieux-mediation-numerique.{fmt}"
    path.write_bytes(response.content)
    return path


def test_reimporting_the_network_own_export_changes_nothing(network_data, client, tmp_path):
    pimms_sites = Site.objects.in_network(network_data)
    network_sites = pimms_sites.count()
    assert network_sites == 53
    snapshot = [model_to_dict(s) for s in Site.objects.order_by("pk")]
    stamps = list(Site.objects.order_by("pk").values_list("updated_at", "version"))
    journal = JournalEntry.objects.count()
    path = _download(client, tmp_path)

    out = io.StringIO()
    call_command("import_lieux_mediation_numerique", str(path), stdout=out)

    assert "mis à jour 0" in out.getvalue()
    assert "créés 0" in out.getvalue()
    # the network's sites keep their organisation: managers and the head still see them
    assert pimms_sites.count() == network_sites
    assert [model_to_dict(s) for s in Site.objects.order_by("pk")] == snapshot
    assert list(Site.objects.order_by("pk").values_list("updated_at", "version")) == stamps
    assert JournalEntry.objects.count() == journal


def test_an_export_made_before_the_fix_is_recognised_too(network_data, client, tmp_path):
    """Files exported earlier named the dataset's sites by the dataset's key and source."""
    path = _download(client, tmp_path)
    by_fs_id = {
        f"fs-{s.fs_id}": s for s in Site.objects.in_network(network_data).exclude(fs_id=None)
    }
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        site = by_fs_id.get(row["id"])
        if site is not None:
            row["id"], row["source"] = site.external_id, site.external_source
    path.write_text(rows_to_csv(rows), encoding="utf-8")
    organisations = dict(Site.objects.values_list("pk", "organisation_id"))

    out = io.StringIO()
    call_command("import_lieux_mediation_numerique", str(path), stdout=out)

    assert "créés 0, mis à jour 0" in out.getvalue()
    assert dict(Site.objects.values_list("pk", "organisation_id")) == organisations


def test_a_place_of_another_network_keeps_its_organisation_and_manager_edits(tmp_path):
    from maillon.directory.opendata.schema import EXAMPLE_PATH
    from maillon.network.services import site_update
    from tests.factories import OrganisationFactory, manager_of

    with EXAMPLE_PATH.open(encoding="utf-8") as handle:
        row = next(csv.DictReader(handle))
    path = tmp_path / "autre-reseau.csv"
    path.write_text(rows_to_csv([row]), encoding="utf-8")
    call_command("import_lieux_mediation_numerique", str(path), verbosity=0)
    place = Site.objects.get(external_id=row["id"])
    organisation = OrganisationFactory()  # a manager took the place over in Maillon
    Site.objects.filter(pk=place.pk).update(organisation=organisation)
    place.refresh_from_db()
    site_update(
        actor=manager_of(organisation),
        site=place,
        data={"name": "Nom choisi par la gestionnaire"},
        expected_version=place.version,
    )
    row.update(nom="Nom publié par l'autre réseau", presentation_detail="Nouvelle présentation")
    path.write_text(rows_to_csv([row]), encoding="utf-8")

    out = io.StringIO()
    call_command("import_lieux_mediation_numerique", str(path), stdout=out)

    place.refresh_from_db()
    assert "mis à jour 1" in out.getvalue()
    assert place.organisation == organisation
    assert place.name == "Nom choisi par la gestionnaire"
    assert place.public_note == "Nouvelle présentation"
    entry = JournalEntry.objects.for_object(place).filter(actor=None).first()
    assert set(entry.changes) == {"public_note"}
    assert "autre-reseau.csv" in entry.note

    call_command("import_lieux_mediation_numerique", str(path), overwrite=["name"], verbosity=0)
    place.refresh_from_db()
    assert place.name == "Nom publié par l'autre réseau"
    assert place.organisation == organisation
