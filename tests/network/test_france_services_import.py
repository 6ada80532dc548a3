import csv
import datetime
import shutil

import pytest

from maillon.core.importing import ImportFileError
from maillon.labels.enums import FRANCE_SERVICES, DecisionOutcome
from maillon.labels.models import LabelDecision
from maillon.labels.selectors import sites_labelled_on
from maillon.network.enums import SiteKind
from maillon.network.models import Site
from maillon.orchestration.importers.france_services import DATA_FILE, france_services_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported():
    return france_services_import()


def test_the_official_list_loads_with_its_problems_listed(imported):
    result = imported
    assert result.rows == 2845
    assert result.created == 2845 and Site.objects.count() == 2845
    # Saint-Martin (97801), a collectivité d'outre-mer, is in the shipped geography.
    assert result.rejected == []
    assert Site.objects.filter(commune__code="97801").count() == 2
    assert result.hours_rate >= 0.97
    assert result.day_hours_total == 13949
    assert len(result.hours_unconverted) == result.day_hours_total - result.day_hours_converted
    mismatches = {(p.column, p.value): p.reason for p in result.geo_mismatches}
    assert "Narbonne" in mismatches[("code_postal", "11000")]
    assert "rattachée à Saint-Denis" in mismatches[("insee_com", "93059")]
    assert "76" in mismatches[("insee_dep", "27")]  # a Rouen site filed under the Eure


def test_sites_are_mapped_with_kind_commune_hours_and_label(imported):
    narbonne = Site.objects.select_related("commune").get(fs_id="62")
    assert narbonne.commune.code == "11262"
    assert narbonne.kind == SiteKind.FIXED
    # The list says nothing of public holidays: « fermé les jours fériés », written out.
    assert narbonne.opening_hours == "Mo,We,Fr 08:30-11:30,14:00-17:00; Tu,Th 14:00-17:00; PH off"
    assert "lundi : 08:30 - 11:30 / 14:00 - 17:00" in narbonne.opening_hours_source
    assert narbonne.appointment_required is True
    decision = LabelDecision.objects.get(site=narbonne)
    assert decision.outcome == DecisionOutcome.GRANTED
    assert decision.effective_date == datetime.date(2020, 1, 1)
    counts = {kind: Site.objects.filter(kind=kind).count() for kind in SiteKind.values}
    assert counts[SiteKind.ANTENNA] == 124
    assert counts[SiteKind.MOBILE] > 100 and counts[SiteKind.ITINERANT] > 10
    # A former commune's code is attached to the commune in force.
    assert Site.objects.filter(commune__code="93066", fs_id__isnull=False).exists()


def test_label_history_answers_by_date(imported):
    labelled_2020 = sites_labelled_on(programme=FRANCE_SERVICES, day=datetime.date(2020, 1, 1))
    labelled_2024 = sites_labelled_on(programme=FRANCE_SERVICES, day=datetime.date(2024, 8, 1))
    assert 0 < labelled_2020.count() < labelled_2024.count() == 2845


def test_reimport_updates_in_place_and_never_duplicates(imported, tmp_path):
    again = france_services_import()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2845)
    assert again.decisions_created == 0
    assert Site.objects.count() == 2845

    changed = tmp_path / "liste.csv"
    with DATA_FILE.open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    rows[0]["telephone"] = "04 00 00 00 00"
    with changed.open("w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = france_services_import(path=changed, source=DATA_FILE.name)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2844)
    assert Site.objects.get(fs_id=rows[0]["id_fs"]).phone == "04 00 00 00 00"


def _write(path, header, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def test_bad_rows_are_rejected_with_line_and_column(tmp_path):
    with DATA_FILE.open(encoding="utf-8", newline="") as source:
        reader = csv.reader(source)
        header = next(reader)
        good = next(reader)
    col = {name: i for i, name in enumerate(header)}

    def variant(**changes):
        row = list(good)
        for name, value in changes.items():
            row[col[name]] = value
        return row

    path = tmp_path / "bad.csv"
    _write(
        path,
        header,
        [
            good,
            variant(),  # same id again
            variant(id_fs="9001", latitude="123.4"),
            variant(id_fs="9002", insee_com="99999"),
            variant(id_fs="9003", lib_fs=""),
            variant(id_fs="9004", h_lundi="n'importe quoi"),
        ],
    )
    result = france_services_import(path=path, source="test")
    assert [(p.line, p.column) for p in result.rejected] == [
        (3, "id_fs"),
        (4, "latitude"),
        (5, "insee_com"),
        (6, "lib_fs"),
    ]
    assert "déjà présent" in result.rejected[0].reason
    assert result.created == 2
    assert [(p.line, p.column) for p in result.hours_unconverted] == [(7, "h_lundi")]
    kept = Site.objects.get(fs_id="9004")
    assert "unknown" in kept.opening_hours and "n'importe quoi" in kept.opening_hours_source


def test_a_file_missing_a_column_writes_nothing(tmp_path):
    path = tmp_path / "truncated.csv"
    _write(path, ["id_fs", "lib_fs"], [["1", "Un lieu"]])
    with pytest.raises(ImportFileError, match="colonnes manquantes.*insee_com"):
        france_services_import(path=path)
    assert Site.objects.count() == 0


def test_a_file_not_in_utf8_writes_nothing(tmp_path):
    path = tmp_path / "latin1.csv"
    shutil.copy(DATA_FILE, path)
    path.write_bytes(path.read_bytes().decode("utf-8").encode("latin-1", "replace"))
    with pytest.raises(ImportFileError, match="UTF-8"):
        france_services_import(path=path)
    assert Site.objects.count() == 0


def test_the_command_prints_a_summary_and_writes_the_problem_report(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    report = tmp_path / "problemes.csv"
    out = StringIO()
    call_command("import_france_services", report=str(report), stdout=out)
    text = out.getvalue()
    assert "créés 2845" in text and "rejetés 0" in text
    assert "Horaires : 13838/13949 (99.2%)" in text
    with report.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["catégorie"] for row in rows} >= {
        "Horaires non convertis",
        "Écarts avec la géographie officielle",
    }


def test_an_unknown_code_is_kept_aside_with_a_clear_message(tmp_path):
    rows = _official_rows(3)
    rows[1]["insee_com"] = "98999"
    path = tmp_path / "liste.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = france_services_import(path=path)
    assert result.created == 2
    [problem] = result.rejected
    assert (problem.line, problem.column, problem.value) == (3, "insee_com", "98999")
    assert "code INSEE inconnu" in problem.reason


# --- what a re-import keeps, journals and never duplicates (issue 12) ---------------------------


def _official_rows(count: int | None = None) -> list[dict[str, str]]:
    with DATA_FILE.open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    return rows[:count] if count else rows


def _write_rows(path, rows):
    with path.open("w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_the_same_list_under_another_file_name_adds_no_label_decision(tmp_path):
    from django.core.management import call_command

    rows = _official_rows(40)
    first = _write_rows(tmp_path / "liste-fs.csv", rows)
    renamed = _write_rows(tmp_path / "liste-fs-copie.csv", rows)
    call_command("import_france_services", str(first), verbosity=0)
    decisions = LabelDecision.objects.count()
    assert decisions == 40

    call_command("import_france_services", str(renamed), verbosity=0)

    assert LabelDecision.objects.count() == decisions


def test_a_reimport_keeps_what_a_manager_edited_and_journals_what_it_changes(tmp_path):
    from maillon.journal.models import JournalEntry
    from maillon.network.services import site_update
    from tests.factories import OrganisationFactory, manager_of

    rows = _official_rows(5)
    france_services_import(path=_write_rows(tmp_path / "liste.csv", rows), source="liste")
    site = Site.objects.get(fs_id=rows[0]["id_fs"])
    organisation = OrganisationFactory()
    Site.objects.filter(pk=site.pk).update(organisation=organisation)
    site.refresh_from_db()
    manager = manager_of(organisation)
    site_update(
        actor=manager,
        site=site,
        data={"name": "Maison France Services du Pays", "phone": "04 11 22 33 44"},
        expected_version=site.version,
    )
    rows[0]["lib_fs"] = "France Services (nom de la liste)"
    rows[0]["telephone"] = "04 99 99 99 99"
    rows[0]["mail"] = "accueil@example.org"
    changed = _write_rows(tmp_path / "liste-2.csv", rows)

    result = france_services_import(path=changed, source="liste")

    site.refresh_from_db()
    assert site.name == "Maison France Services du Pays"  # the manager's name is kept
    assert site.phone == "04 11 22 33 44"
    assert site.email == "accueil@example.org"  # nobody edited it: the list's value
    assert site.organisation == organisation
    assert (result.updated, result.kept) == (1, 2)
    entry = JournalEntry.objects.for_object(site).filter(actor=None).first()
    assert entry.changes["email"][1] == "accueil@example.org"
    assert set(entry.changes) == {"email"}

    france_services_import(path=changed, source="liste", overwrite=frozenset({"name"}))
    site.refresh_from_db()
    assert site.name == "France Services (nom de la liste)"
    assert site.phone == "04 11 22 33 44"


def test_a_nul_byte_is_located_and_nothing_is_written(tmp_path):
    rows = _official_rows(5)
    rows[2]["lib_fs"] = "France Services\x00 de test"
    path = _write_rows(tmp_path / "liste.csv", rows)

    with pytest.raises(ImportFileError, match="ligne 4, colonne « lib_fs »"):
        france_services_import(path=path)

    assert Site.objects.count() == 0


def test_an_undecodable_byte_is_reported_on_its_physical_line(tmp_path):
    rows = _official_rows(3000)
    path = _write_rows(tmp_path / "liste.csv", rows)
    lines = path.read_bytes().split(b"\n")
    lines[2500] = lines[2500].replace(b"France", b"Fran\xe7e", 1)
    path.write_bytes(b"\n".join(lines))

    with pytest.raises(ImportFileError, match="ligne 2501"):
        france_services_import(path=path)
    assert Site.objects.count() == 0
