import csv
import datetime
import shutil

import pytest

from maillon.core.importing import ImportFileError
from maillon.labels.enums import FRANCE_SERVICES, DecisionOutcome
from maillon.labels.models import LabelDecision
from maillon.labels.selectors import sites_labelled_on
from maillon.network.enums import SiteKind
from maillon.network.importers.france_services import DATA_FILE, france_services_import
from maillon.network.models import Site

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported():
    return france_services_import()


def test_the_official_list_loads_with_its_problems_listed(imported):
    result = imported
    assert result.rows == 2845
    assert result.created == 2843 and Site.objects.count() == 2843
    # Saint-Martin (97801) is a collectivité d'outre-mer, outside the COG communes.
    assert [(p.line, p.column, p.value) for p in result.rejected] == [
        (1322, "insee_com", "97801"),
        (1323, "insee_com", "97801"),
    ]
    assert result.hours_rate >= 0.97
    assert result.day_hours_total == 13944
    assert len(result.hours_unconverted) == result.day_hours_total - result.day_hours_converted
    mismatches = {(p.column, p.value): p.reason for p in result.geo_mismatches}
    assert "Narbonne" in mismatches[("code_postal", "11000")]
    assert "rattachée à Saint-Denis" in mismatches[("insee_com", "93059")]
    assert "76" in mismatches[("insee_dep", "27")]  # a Rouen site filed under the Eure


def test_sites_are_mapped_with_kind_commune_hours_and_label(imported):
    narbonne = Site.objects.select_related("commune").get(fs_id="62")
    assert narbonne.commune.code == "11262"
    assert narbonne.kind == SiteKind.FIXED
    assert narbonne.opening_hours == "Mo,We,Fr 08:30-11:30,14:00-17:00; Tu,Th 14:00-17:00"
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
    assert 0 < labelled_2020.count() < labelled_2024.count() == 2843


def test_reimport_updates_in_place_and_never_duplicates(imported, tmp_path):
    again = france_services_import()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2843)
    assert again.decisions_created == 0
    assert Site.objects.count() == 2843

    changed = tmp_path / "liste.csv"
    with DATA_FILE.open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    rows[0]["telephone"] = "04 00 00 00 00"
    with changed.open("w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = france_services_import(path=changed, source=DATA_FILE.name)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2842)
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
    assert "créés 2843" in text and "rejetés 2" in text
    assert "Horaires : 13833/13944 (99.2%)" in text
    with report.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["catégorie"] for row in rows} >= {
        "Lignes rejetées",
        "Horaires non convertis",
        "Écarts avec la géographie officielle",
    }
    assert rows[0]["ligne"] == "1322" and rows[0]["colonne"] == "insee_com"
