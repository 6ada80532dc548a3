import datetime
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from maillon.activity.exchange import (
    COLUMNS,
    activity_import,
    export_csv,
    export_rows,
    export_xlsx,
    import_agent,
)
from maillon.activity.models import Request, Visit
from maillon.activity.rollups_verify import rollups_compare
from maillon.core.importing import ImportFileError
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)
HEADER = ";".join(COLUMNS)


def write(tmp_path: Path, lines: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "historique.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def good_lines(site) -> list[str]:
    return [
        f"p1;{site.pk};2025-11-03;09:15;sur-site;25-39;oui;non;20;caf;famille;accompagnement;resolu;non",
        f"p1;{site.pk};2025-11-03;09:15;sur-site;25-39;oui;non;20;CPAM;Social - Santé;;à revoir;1",
        f"p2;{site.pk};03/11/2025;;Téléphone;;;;;;numerique;;;",
    ]


@time_machine.travel(NOON, tick=False)
def test_a_good_file_is_imported_with_its_rollups(tmp_path):
    site = SiteFactory()
    report = activity_import(write(tmp_path, good_lines(site)), agent=import_agent())
    assert report.written and report.problems == []
    assert (report.rows, report.visits, report.requests) == (3, 2, 3)
    first = Visit.objects.order_by("pk").first()
    assert first.duration_minutes == 20 and first.qpv_resident is True
    assert [r.outcome.code for r in first.requests.order_by("position")] == ["resolu", "a-revoir"]
    assert rollups_compare()[2] == 0


@time_machine.travel(NOON, tick=False)
def test_one_bad_row_means_nothing_is_written_and_each_problem_is_located(tmp_path):
    site = SiteFactory()
    lines = [
        *good_lines(site),
        f"p3;{site.pk};2025-11-04;10:00;sur-site;;;;;edf;pas-un-theme;;;",
        "p4;999999;2025-11-04;10:00;sur-site;;;;;;logement;;;",
        f"p5;{site.pk};2027-01-01;10:00;sur-site;;;;;;logement;;;",
        f"p6;{site.pk};2025-11-04;10:00;sur-site;;peut-être;;;;logement;;;",
    ]
    report = activity_import(write(tmp_path, lines), agent=import_agent())
    assert not report.written
    assert [(p.line, p.column) for p in report.problems] == [
        (5, "theme"),
        (6, "point_accueil"),
        (7, "date"),
        (8, "qpv"),
    ]
    assert str(report.problems[2]) == (
        "ligne 7, colonne « date », valeur « 2027-01-01 » : la date est dans le futur"
    )
    assert Visit.objects.count() == 0 and Request.objects.count() == 0


@time_machine.travel(NOON, tick=False)
def test_skip_invalid_writes_the_valid_visits_and_the_rejects(tmp_path):
    site = SiteFactory()
    lines = [
        *good_lines(site),
        f"p3;{site.pk};2025-11-04;10:00;sur-site;;;;;edf;energie-eau;;;",
        f"p3;{site.pk};2025-11-04;10:00;sur-site;;;;;edf;inconnu;;;",
        f"p4;{site.pk};2025-11-04;11:00;sur-site;;;;;sncf;transports;;;",
    ]
    rejects = tmp_path / "rejets.csv"
    report = activity_import(
        write(tmp_path, lines), agent=import_agent(), skip_invalid=True, rejects_path=rejects
    )
    assert report.written
    assert Visit.objects.count() == 3  # p1, p2, p4; p3 is rejected as a whole
    assert report.rejected_rows == 2
    rejected = rejects.read_text(encoding="utf-8").splitlines()
    assert len(rejected) == 3
    assert rejected[2].startswith("6;p3;") and "valeur inconnue" in rejected[2]
    assert rollups_compare()[2] == 0


def test_a_missing_column_stops_the_import_with_a_french_message(tmp_path):
    path = write(tmp_path, ["p1;1;2025-11-03"], header="passage;point_accueil;date")
    with pytest.raises(CommandError, match="colonnes manquantes dans l'en-tête : canal, theme"):
        call_command("import_activity", str(path))


@time_machine.travel(NOON, tick=False)
def test_export_then_import_round_trip_in_csv_and_xlsx(tmp_path):
    site = SiteFactory()
    activity_import(write(tmp_path, good_lines(site)), agent=import_agent())
    csv_path, xlsx_path = tmp_path / "export.csv", tmp_path / "export.xlsx"
    with csv_path.open("w", encoding="utf-8") as handle:
        assert export_csv(export_rows(), handle) == 3
    assert export_xlsx(export_rows(), xlsx_path) == 3
    Request.objects.all().delete()
    Visit.objects.all().delete()
    call_command("rollups_verify", repair=True)
    report = activity_import(xlsx_path, agent=import_agent())
    assert (report.visits, report.requests, report.problems) == (2, 3, [])
    with csv_path.open(encoding="utf-8") as handle:
        exported = handle.read().splitlines()
    assert exported[0] == HEADER
    assert exported[1].endswith(
        ";09:15;sur-site;25-39;oui;non;20;caf;famille;accompagnement;resolu;non"
    )
    assert rollups_compare()[2] == 0


@pytest.mark.postgresql
@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize("use_copy", [True, False], ids=["copy", "executemany"])
def test_postgresql_import_paths_are_equivalent_and_atomic(tmp_path, use_copy):
    assert connection.vendor == "postgresql"
    site = SiteFactory()
    report = activity_import(
        write(tmp_path, good_lines(site)), agent=import_agent(), use_copy=use_copy
    )
    assert report.requests == Request.objects.count() == 3
    bad = write(tmp_path, [*good_lines(site), f"p9;{site.pk};2025-11-04;10:00;sur-site;;;;;;x;;;"])
    report = activity_import(bad, agent=import_agent(), use_copy=use_copy, batch_visits=1)
    assert not report.written
    assert Request.objects.count() == 3
    assert rollups_compare()[2] == 0


@pytest.mark.postgresql
@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize("parser_process", [True, False], ids=["forked-parser", "one-process"])
def test_postgresql_copy_with_a_parsing_process_keeps_rejects_and_atomicity(
    tmp_path, parser_process
):
    """COPY with the file read in a forked process: same rows, same rejects, same problems."""
    site = SiteFactory()
    bad = f"p3;{site.pk};2025-11-04;10:00;sur-site;;;;;edf;pas-un-theme;;;"
    path = write(tmp_path, [*good_lines(site), bad, bad.replace("p3", "p4")])
    options = {"agent": import_agent(), "use_copy": True, "parser_process": parser_process}
    refused = activity_import(path, batch_visits=1, **options)
    assert not refused.written and Visit.objects.count() == 0
    assert [(p.line, p.column) for p in refused.problems] == [(5, "theme"), (6, "theme")]
    rejects = tmp_path / "rejets.csv"
    kept = activity_import(path, batch_visits=1, skip_invalid=True, rejects_path=rejects, **options)
    assert kept.written and (kept.visits, kept.requests, kept.rejected_rows) == (2, 3, 2)
    assert Request.objects.count() == 3
    assert len(rejects.read_text(encoding="utf-8").splitlines()) == 3  # header + 2 rows
    assert rollups_compare()[2] == 0
    with pytest.raises(ImportFileError):
        activity_import(write(tmp_path, ["x"], header="colonne;inconnue"), **options)


@time_machine.travel(NOON, tick=False)
def test_the_rows_of_a_visit_repeat_its_date_time_site_and_channel(tmp_path):
    site = SiteFactory()
    first = f"p1;{site.pk};2025-11-03;09:15;sur-site;;;;;caf;famille;;;"
    lines = [
        first,
        f"p1;{site.pk};03/11/2025;09:15;Sur site;;;;;cpam;famille;;;",  # same, written otherwise
        f"p2;{site.pk};2025-11-03;10:00;sur-site;;;;;;logement;;;",
        f"p2;{site.pk};2025-11-04;10:00;sur-site;;;;;;logement;;;",  # another day
        f"p3;{site.pk};2025-11-03;11:00;sur-site;;;;;;logement;;;",
        f"p3;{site.pk};2025-11-03;11:00;sur-site;centenaire;;;;;logement;;;",  # bad age band
    ]
    report = activity_import(write(tmp_path, lines), agent=import_agent(), skip_invalid=True)
    assert [(p.line, p.column) for p in report.problems] == [(5, "passage"), (7, "tranche_age")]
    assert "autre date" in report.problems[0].reason
    assert (report.visits, report.requests, report.rejected_rows) == (1, 2, 4)
    assert Visit.objects.get().requests.count() == 2


# --- a file imported twice, odd characters (issue 12) ------------------------------------------


@time_machine.travel(NOON, tick=False)
def test_the_same_file_is_refused_a_second_time_whatever_its_name(tmp_path):
    site = SiteFactory()
    path = write(tmp_path, good_lines(site))
    call_command("import_activity", str(path), verbosity=0)
    assert Visit.objects.count() == 2
    renamed = tmp_path / "historique-copie.csv"
    renamed.write_bytes(path.read_bytes())

    with pytest.raises(CommandError, match=r"déjà été importé le 10/03/2026 à 12:00") as error:
        call_command("import_activity", str(renamed), verbosity=0)

    assert "historique.csv" in str(error.value) and "--again" in str(error.value)
    assert Visit.objects.count() == 2
    call_command("import_activity", str(renamed), again=True, verbosity=0)
    assert Visit.objects.count() == 4


@time_machine.travel(NOON, tick=False)
def test_a_refused_file_can_be_imported_once_corrected(tmp_path):
    site = SiteFactory()
    bad = write(tmp_path, [*good_lines(site), f"p9;{site.pk};2025-11-04;;sur-site;;;;;;x;;;"])
    assert not activity_import(bad, agent=import_agent()).written
    report = activity_import(write(tmp_path, good_lines(site)), agent=import_agent())
    assert report.written and Visit.objects.count() == 2


@time_machine.travel(NOON, tick=False)
def test_a_superscript_digit_in_the_duration_is_a_located_problem(tmp_path):
    site = SiteFactory()
    lines = good_lines(site)
    lines[2] = lines[2].replace("Téléphone;;;;;", "Téléphone;;;;²;")
    report = activity_import(write(tmp_path, lines), agent=import_agent())
    assert not report.written and Visit.objects.count() == 0
    assert [(p.line, p.column, p.value) for p in report.problems] == [(4, "duree", "²")]


@time_machine.travel(NOON, tick=False)
def test_a_byte_that_is_not_utf8_is_reported_on_its_physical_line(tmp_path):
    site = SiteFactory()
    lines = [
        f"p{n};{site.pk};2025-11-03;09:15;sur-site;25-39;oui;non;20;caf;famille;;;"
        for n in range(8000)
    ]
    path = write(tmp_path, lines)
    raw = path.read_bytes().split(b"\n")
    raw[6001] = raw[6001].replace(b"famille", b"famill\xe9")  # latin-1 "é" on line 6002
    path.write_bytes(b"\n".join(raw))
    with pytest.raises(ImportFileError, match="ligne 6002"):
        activity_import(path, agent=import_agent(), use_copy=False)
    assert Visit.objects.count() == 0
