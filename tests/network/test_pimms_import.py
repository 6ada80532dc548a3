import datetime
import shutil

import pytest
from django.core.management import call_command
from django.db.models import F

from maillon.labels.models import Certification, LabelDecision, Publication, Wave
from maillon.network.models import Network, Organisation, Site
from maillon.orchestration.importers.france_services import france_services_import
from maillon.orchestration.importers.pimms import DATA_DIR, PimmsDatasetError, pimms_network_import
from maillon.reports.models import DeclaredFigure


def _counts():
    return (
        Organisation.objects.in_network(Network.objects.get(slug="pimms")).count(),
        Site.objects.filter(external_id__gt="").count(),
        LabelDecision.objects.count(),
        Wave.objects.count(),
        DeclaredFigure.objects.count(),
        Certification.objects.count(),
    )


@pytest.mark.django_db
def test_dataset_loads_organisations_sites_waves_and_is_idempotent():
    result = pimms_network_import()
    assert (result.organisations, result.sites_created, result.decisions_created) == (27, 53, 53)
    first = _counts()
    assert first == (27, 53, 53, 3, 29, 27)
    pimms_network_import()
    assert _counts() == first
    waves = {w.date: w.decisions.count() for w in Wave.objects.all()}
    assert waves == {
        datetime.date(2019, 11, 15): 33,
        datetime.date(2020, 2, 1): 7,
        datetime.date(2020, 9, 30): 13,
    }
    entries = Publication.objects.get(slug="pimms-france-services-automne-2020").entries
    assert entries.count() == 53 and entries.filter(marked_new=True).count() == 13


@pytest.mark.django_db
def test_organisation_names_keep_their_history_without_invented_dates():
    pimms_network_import()
    organisation = Organisation.objects.get(name="PIMMS Bourgogne du Sud")
    names = list(organisation.names.order_by(F("valid_from").asc(nulls_first=True)))
    assert [(n.name, n.valid_from) for n in names] == [
        ("PIMMS Canton de Chauffailles", None),
        ("PIMMS Bourgogne du Sud", datetime.date(2020, 10, 14)),
    ]
    assert "25/11/2019" in names[0].source
    certification = Certification.objects.get(organisation=organisation)
    assert (certification.granted_on, certification.granted_latest, certification.precision) == (
        datetime.date(2020, 1, 1),
        datetime.date(2020, 1, 31),
        "month",
    )


@pytest.mark.django_db
def test_dataset_joins_the_anct_list_decisions_instead_of_duplicating_them():
    france_services_import()
    before = LabelDecision.objects.count()
    result = pimms_network_import()
    assert result.sites_created == 0
    assert result.decisions_created == 0 and result.decisions_linked == 53
    assert LabelDecision.objects.count() == before
    site = Site.objects.get(fs_id="873")
    assert site.name == "PIMMS Métropole Stéphanoise - La Cotonne"
    assert site.organisation.name == "PIMMS Médiation Métropole Stéphanoise"
    assert site.opening_hours  # the ANCT hours are kept
    decision = site.label_decisions.get()
    assert decision.wave.date == datetime.date(2020, 9, 30)


@pytest.mark.django_db
def test_a_bad_row_is_located_and_nothing_is_written(tmp_path):
    target = tmp_path / "pimms"
    shutil.copytree(DATA_DIR, target)
    sites = target / "sites.csv"
    sites.write_text(sites.read_text().replace(",42218,873,", ",99999,873,"))
    with pytest.raises(PimmsDatasetError) as error:
        pimms_network_import(directory=target)
    assert error.value.problems[0][0] == "sites.csv"
    problem = error.value.problems[0][1]
    assert (problem.line, problem.column, problem.value) == (43, "insee_com", "99999")
    assert not Site.objects.filter(external_id="la-cotonne").exists()
    assert not Network.objects.filter(slug="pimms").exists()


@pytest.mark.django_db
def test_import_command_prints_a_summary(capsys):
    call_command("import_pimms_network")
    assert "27 structures, 53 points d'accueil créés" in capsys.readouterr().out


@pytest.mark.django_db
def test_reloading_the_dataset_keeps_ownership_and_manager_edits():
    from maillon.journal.models import JournalEntry
    from maillon.network.services import site_update
    from tests.factories import OrganisationFactory, manager_of

    pimms_network_import()
    site, moved = Site.objects.filter(external_id__gt="").order_by("pk")[:2]
    site_update(
        actor=manager_of(site.organisation),
        site=site,
        data={"name": "PIMMS renommé par sa gestionnaire"},
        expected_version=site.version,
    )
    new_owner = OrganisationFactory(name="Structure reprise")
    Site.objects.filter(pk=moved.pk).update(organisation=new_owner)

    pimms_network_import()

    site.refresh_from_db()
    moved.refresh_from_db()
    assert site.name == "PIMMS renommé par sa gestionnaire"
    assert moved.organisation == new_owner
    created = JournalEntry.objects.for_object(site).filter(actor=None, action="create")
    assert created.count() == 1  # the first load was journaled, the reload changed nothing

    pimms_network_import(overwrite=frozenset({"organisation"}))
    moved.refresh_from_db()
    assert moved.organisation != new_owner
