import pytest

from maillon.geo.enums import CommuneKind
from maillon.geo.selectors import commune_get, communes_for_postal_code, communes_search

pytestmark = pytest.mark.django_db


def test_lyon_8e_arrondissement_by_code_and_postal_code():
    commune = commune_get(code="69388")
    assert commune.name == "Lyon 8e Arrondissement"
    assert commune.kind == CommuneKind.MUNICIPAL_ARRONDISSEMENT
    assert commune.parent.code == "69123"
    assert commune.department.name == "Rhône"
    assert commune.region.name == "Auvergne-Rhône-Alpes"
    assert [c.code for c in communes_for_postal_code(postal_code="69008")] == ["69388"]


def test_postal_code_42000_is_saint_etienne():
    assert [c.name for c in communes_for_postal_code(postal_code="42000")] == ["Saint-Étienne"]


@pytest.mark.parametrize(
    "text", ["saint etienne", "Saint-Étienne", "ST ETIENNE", "st-étienne"], ids=str
)
def test_name_search_folds_accents_case_hyphens_and_saint(text):
    first = communes_search(text=text)[0]
    assert (first.code, first.department_id) == ("42218", "42")


def test_paris_18e():
    commune = commune_get(code="75118")
    assert commune.name == "Paris 18e Arrondissement"
    assert commune.parent.name == "Paris"
    assert commune.department.code == "75"
    assert communes_for_postal_code(postal_code="75018")[0].code == "75118"


def test_commune_nouvelle_and_its_former_communes():
    # Valserhône (01033) was created in 2019 from Bellegarde-sur-Valserine, Châtillon-en-Michaille
    # and Lancrans; the code 01033 is both the commune nouvelle and a commune déléguée.
    current = commune_get(code="01033")
    assert current.name == "Valserhône"
    assert current.kind == CommuneKind.COMMUNE
    former = {c.name for c in current.children.all()}
    assert {"Bellegarde-sur-Valserine", "Châtillon-en-Michaille", "Lancrans"} <= former
    assert all(c.is_former for c in current.children.all())
    # A former commune's own code leads to it, and from it to the commune in force.
    lancrans = communes_search(text="Lancrans", current_only=False)[0]
    assert lancrans.parent == current
    assert lancrans.canton == current.canton_code


def test_unknown_postal_code_and_empty_search():
    assert communes_for_postal_code(postal_code="00000") == []
    assert communes_search(text="  -- ") == []
