"""The data·inclusion v1 export (validated by the official `data-inclusion-schema` package),
the previous vocabulary of the "lieux" standard on import, and the pivot/SIRET count."""

import datetime
import io
import json

import pytest
from data_inclusion.schema import v1
from django.core.management import call_command
from django.core.management.base import CommandError

from maillon.directory.opendata.datainclusion import export_data_inclusion, export_problems
from maillon.directory.opendata.export import export_rows, rows_without_siret
from maillon.directory.services import places_import
from maillon.geo.models import Commune
from maillon.labels.enums import FRANCE_SERVICES
from maillon.labels.models import LabelDecision, LabelProgramme
from maillon.network.models import NetworkMembership, Site
from tests.directory.test_opendata import example_row
from tests.factories import NetworkFactory, OrganisationFactory, SiteFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 24)


@pytest.fixture
def sites():
    lyon8 = Commune.objects.get(code="69388")
    pimms = OrganisationFactory(siret="43493312300029", website="https://pimms.example.org")
    NetworkMembership.objects.create(network=NetworkFactory(), organisation=pimms)
    labelled = SiteFactory(
        organisation=pimms,
        name="PIMMS Médiation Lyon 8.",
        commune=lyon8,
        postal_code="69008",
        latitude=45.73,
        longitude=4.87,
        phone="04 77 12 34 56",
        email="accueil@pimms.example.org",
    )
    other = SiteFactory(name="Espace France Services de Givors", commune=lyon8, postal_code="")
    programme, _ = LabelProgramme.objects.get_or_create(
        slug=FRANCE_SERVICES, defaults={"name": "France Services"}
    )
    LabelDecision.objects.create(
        site=labelled,
        programme=programme,
        outcome="granted",
        effective_date=datetime.date(2020, 1, 1),
        effective_latest=datetime.date(2020, 1, 1),
    )
    places_import(rows=[(2, example_row())], default_source="lieux")  # another producer's place
    return labelled, other


def test_every_row_is_valid_for_the_official_package(sites):
    labelled, other = sites
    export = export_data_inclusion(day=DAY)
    assert export_problems(export) == []
    assert len(export.structures) == len(export.services) == 2  # not the imported place
    structures = {s["nom"]: v1.Structure.model_validate(s) for s in export.structures}
    pimms = structures["PIMMS Médiation Lyon 8"]  # no final full stop (a schema warning)
    assert pimms.reseaux_porteurs == {
        v1.ReseauPorteur.FRANCE_SERVICE,
        v1.ReseauPorteur.PIMMS_MEDIATION,
    }
    assert pimms.siret == "43493312300029" and pimms.telephone == "+33477123456"
    assert pimms.code_insee == "69388" and pimms.code_postal == "69008"
    assert structures["Espace France Services de Givors"].reseaux_porteurs is None
    service = v1.Service.model_validate(export.services[0])
    assert service.structure_id == export.structures[0]["id"]
    assert (
        v1.Thematique.DIFFICULTES_ADMINISTRATIVES_OU_JURIDIQUES__ACCOMPAGNEMENT_AUX_DEMARCHES_ADMINISTRATIVES
        in service.thematiques
    )
    assert service.frais == v1.Frais.GRATUIT and service.publics == {v1.Public.TOUS_PUBLICS}
    assert export.without_siret == 1


def test_the_command_checks_then_writes(sites, tmp_path):
    out = io.StringIO()
    call_command("export_data_inclusion", check=True, stdout=out)
    text = " ".join(out.getvalue().split())
    assert "2 structures et 2 services ; 1 structures sans SIRET connu" in text
    assert "conformes au schéma data·inclusion v1" in text
    assert not (tmp_path / "data-inclusion.json").exists()
    target = tmp_path / "di.json"
    call_command("export_data_inclusion", output=str(target), stdout=io.StringIO())
    data = json.loads(target.read_text(encoding="utf-8"))
    assert {len(data["structures"]), len(data["services"])} == {2}


def test_the_public_download(sites, client):
    from django.urls import reverse

    page = client.get(reverse("directory:open_data")).content.decode()
    url = reverse("directory:open_data_inclusion")
    assert url in page
    response = client.get(url)
    assert response["Content-Type"] == "application/json"
    assert 'filename="data-inclusion.json"' in response["Content-Disposition"]
    data = json.loads(response.content)
    assert {s["nom"] for s in data["structures"]} == {
        "PIMMS Médiation Lyon 8",
        "Espace France Services de Givors",
    }
    assert len(data["services"]) == 2


def test_the_command_refuses_an_invalid_row(sites):
    Site.objects.filter(pk=sites[0].pk).update(email="pas-un-courriel")
    with pytest.raises(CommandError, match="refusées par le schéma data·inclusion"):
        call_command("export_data_inclusion", check=True, stdout=io.StringIO())


def test_pivot_is_the_siret_when_known_and_the_missing_ones_are_counted(sites):
    rows = {r["nom"]: r for r in export_rows(day=DAY)}
    assert rows["PIMMS Médiation Lyon 8."]["pivot"] == "43493312300029"
    assert rows["Espace France Services de Givors"]["pivot"] == "00000000000000"
    assert rows_without_siret(rows.values()) == 1


# --- the previous vocabulary of the "lieux" standard -------------------------------------------


def test_an_older_file_maps_its_services_and_reports_the_unknown():
    row = {
        **example_row(),
        "services": "Prendre en main un smartphone ou une tablette;Accéder à du matériel;"
        "Accéder à une connexion internet;Devenir autonome dans les démarches administratives;"
        "Réparer des vélos",
        "modalites_accompagnement": "Seul;Avec de l'aide",
    }
    result = places_import(rows=[(2, row)], default_source="ancien")
    assert result.created == 1 and result.rejected == []
    site = Site.objects.get(external_id="structure-1")
    assert site.services == (
        "Maîtrise des outils numériques du quotidien|Accès internet et matériel informatique"
        "|Aide aux démarches administratives"
    )
    mapped = result.vocabulary.mapped
    assert mapped[("services", "Accéder à du matériel", "Accès internet et matériel informatique")]
    assert mapped[("modalites_accompagnement", "Seul", "En autonomie")] == 1
    unknown = [(p.column, p.value) for p in result.vocabulary.unknown]
    assert unknown == [("services", "Réparer des vélos")]
    assert unknown[0] in [(p.column, p.value) for p in result.warnings]
    exported = next(export_rows(day=DAY, sites=Site.objects.filter(pk=site.pk)))
    assert exported["services"] == site.services


def test_the_import_command_says_what_was_mapped(tmp_path):
    from tests.directory.test_opendata import write_csv

    row = {**example_row(), "services": "Prendre en main un ordinateur"}
    path = write_csv(tmp_path, [row])
    out = io.StringIO()
    call_command("import_lieux_mediation_numerique", str(path), stdout=out)
    text = " ".join(out.getvalue().split())
    assert (
        "services : « Prendre en main un ordinateur » → « Maîtrise des outils numériques du "
        "quotidien » (1 lignes)" in text
    )
    assert "valeurs de l'ancien vocabulaire traduites 1, inconnues ignorées 0" in text


# --- the real list -------------------------------------------------------------------------------


@pytest.mark.usefixtures("france_services")
class TestTheRealList:
    def test_every_france_services_site_is_valid_for_the_official_package(self):
        export = export_data_inclusion(day=DAY)
        # every site the import of the official list (2,845 rows) accepted
        assert len(export.structures) == Site.objects.exclude(fs_id=None).count() >= 2843
        assert export_problems(export) == []
        networks = [s["reseaux_porteurs"] for s in export.structures]
        assert all(n == ["france-service"] for n in networks)
        assert export.without_siret == len(export.structures)  # the ANCT list has no SIRET
