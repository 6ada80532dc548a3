import datetime

import pytest

from maillon.geo.models import Commune
from maillon.labels.enums import Severity
from maillon.labels.models import LabelDecision, LabelProgramme
from maillon.network.models import Site
from maillon.orchestration.quality import data_quality_findings
from tests.factories import SiteFactory


def _codes(findings):
    return [f.code for f in findings]


def test_check_reports_the_real_mistakes_of_the_press_releases(pimms):
    findings = data_quality_findings(network=pimms, on=datetime.date(2020, 10, 14))
    departments = [f for f in findings if f.code == "publication.department"]
    assert len(departments) == 3
    assert all(f.severity == Severity.ERROR for f in departments)
    assert "La Cotonne" in departments[0].why and "Loire (42)" in departments[0].why
    assert departments[0].fix == "Classer le point d'accueil sous Loire (42)."
    assert "14 octobre 2020" in departments[0].where and "ligne 5" in departments[0].where

    (parts,) = [f for f in findings if f.code == "figures.parts_dont_add_up"]
    assert "11 (État) + 154 (associations) + 131 (La Poste) + 19 (MSA)" in parts.why
    assert "= 859, et non 856 (écart de 3)" in parts.why

    (contradiction,) = [f for f in findings if f.code == "figures.contradict"]
    assert "2\u202f000\u202f000" in contradiction.why and "1\u202f829\u202f881" in contradiction.why

    (series,) = [f for f in findings if f.code == "figures.publications_contradict"]
    assert "33 sites au 01/01/2020 + 13 nouveaux = 46" in series.why
    assert "7 points d'accueil labellisés entre les deux listes" in series.why
    assert "PIMMS Ambazac" in series.why

    (duplicate,) = [f for f in findings if f.code == "publication.duplicate_row"]
    assert "Brest" in duplicate.what
    spelling = [f.what for f in findings if f.code == "publication.department_spelling"]
    assert "nom de département mal orthographié : « Haute Vienne »" in spelling

    checked = {f.what for f in findings if f.code == "figures.checked"}
    assert (
        "chiffre confirmé par les données : Départements des PIMMS labellisés France Services "
        "au 1er janvier 2020" in checked
    )
    assert not [f for f in findings if f.code == "figures.differ_from_data"]
    # Errors come first.
    assert findings[0].severity == Severity.ERROR


@pytest.mark.django_db
def test_check_flags_hours_duplicates_and_former_communes(pimms):
    programme = LabelProgramme.objects.get(slug="france-services")
    site = Site.objects.get(external_id="melay")
    site.opening_hours = "Mo-Th 09:00-12:00,14:00-16:00"
    site.address = "Le bourg"
    site.save()
    twin = SiteFactory(
        organisation=site.organisation, name=site.name, commune=site.commune, address="Le bourg"
    )
    former = Commune.objects.filter(kind="COMD").first()
    SiteFactory(organisation=site.organisation, commune=former)
    LabelDecision.objects.create(
        site=twin,
        programme=programme,
        outcome="granted",
        effective_date=datetime.date(2021, 1, 1),
        effective_latest=datetime.date(2021, 1, 1),
        source="test",
    )
    findings = data_quality_findings(network=pimms, on=datetime.date(2024, 1, 1))
    hours = [f for f in findings if f.code == "site.hours_break_criteria"]
    assert {f.where for f in hours} >= {"PIMMS Bourgogne du Sud - Melay (id_fs 422)"}
    assert "ouvert 20 h par semaine sur 4 jours" in hours[0].why
    assert "site.duplicate" in _codes(findings)
    (old,) = [f for f in findings if f.code == "site.former_commune"]
    assert former.code in old.what


@pytest.mark.django_db
def test_national_figures_are_set_against_the_anct_list(pimms):
    from maillon.orchestration.importers.france_services import france_services_import

    france_services_import()
    findings = data_quality_findings(network=pimms, on=datetime.date(2020, 10, 14))
    national = {
        f.where.split(" — ")[1]: f for f in findings if f.code.startswith("figures.programme")
    }
    january = national["« la labellisation de 460 maisons France Services au 1er janvier 2020 »"]
    assert january.code == "figures.programme_lower_bound"
    assert "compte 459 lieux principaux (hors antennes) labellisés au 01/01/2020" in january.why
    # The PIMMS figures still hold with the ANCT list loaded (no duplicate decisions).
    assert not [f for f in findings if f.code == "figures.differ_from_data"]
