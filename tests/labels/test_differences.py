from maillon.labels.differences import DifferenceKind, publication_differences
from maillon.labels.models import Publication


def _by_kind(differences, kind):
    return [d for d in differences if d.kind == kind]


def test_autumn_list_files_the_stephanoise_sites_in_loire_not_isere(pimms):
    publication = Publication.objects.get(slug="pimms-france-services-automne-2020")
    differences = publication_differences(publication)
    moved = _by_kind(differences, DifferenceKind.DEPARTMENT)
    assert [(d.positions, d.printed, d.corrected) for d in moved] == [
        ((5,), "Isère", "Loire (42)"),
        ((6,), "Isère", "Loire (42)"),
        ((7,), "Isère", "Loire (42)"),
    ]
    assert "Saint-Chamond (42207)" in moved[1].explanation
    spellings = {
        d.printed: d.corrected for d in _by_kind(differences, DifferenceKind.DEPARTMENT_SPELLING)
    }
    assert spellings["Haute Vienne"] == "Haute-Vienne"
    assert spellings["Seine Saint Denis"] == "Seine-Saint-Denis"
    assert len(spellings) == 9
    assert _by_kind(differences, DifferenceKind.ORDER)[0].positions == (42, 44)
    # The counts and the new-site marks printed agree with the data.
    assert not _by_kind(differences, DifferenceKind.COUNT)
    assert not _by_kind(differences, DifferenceKind.NEW_MARK)
    assert not _by_kind(differences, DifferenceKind.MISSING)


def test_january_list_duplicates_brest_and_names_former_commune(pimms):
    publication = Publication.objects.get(slug="pimms-france-services-2020-01-01")
    differences = publication_differences(publication)
    duplicate = _by_kind(differences, DifferenceKind.DUPLICATE_ROW)
    assert len(duplicate) == 1
    assert duplicate[0].positions == (5, 6)
    assert "Pontanézen (id_fs 173)" in duplicate[0].explanation
    assert "Kérédern (id_fs 594)" in duplicate[0].explanation
    communes = {d.printed: d.corrected for d in _by_kind(differences, DifferenceKind.COMMUNE)}
    assert communes["Evry"] == "Évry-Courcouronnes (91228)"
    assert "Pont de Claix" not in communes  # "Le Pont-de-Claix" without its article
    assert "Paris 15" not in communes  # the 15th arrondissement, abbreviated
    # "33 PIMMS … implantés sur 20 départements" is true.
    assert not _by_kind(differences, DifferenceKind.COUNT)
    assert not _by_kind(differences, DifferenceKind.DEPARTMENT)


def test_a_printed_count_that_does_not_match_is_reported(pimms):
    publication = Publication.objects.get(slug="pimms-france-services-2020-01-01")
    publication.declared_departments = 21
    publication.save()
    counts = _by_kind(publication_differences(publication), DifferenceKind.COUNT)
    assert [(d.printed, d.corrected) for d in counts] == [("21", "20")]
