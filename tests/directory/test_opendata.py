"""Open data in the national standard: the validator, the export of the real list, the import
of other networks' files, and the round trip (export then import changes nothing)."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict

from maillon.core.importing import ImportFileError
from maillon.directory.opendata.export import export_rows, rows_to_csv, rows_to_json
from maillon.directory.opendata.phones import to_international, to_national
from maillon.directory.opendata.reading import read_table
from maillon.directory.opendata.schema import (
    EXAMPLE_PATH,
    SCHEMA_PATH,
    field_names,
    row_problems,
    table_problems,
)
from maillon.directory.services import places_import
from maillon.network.models import Organisation, Site

pytestmark = pytest.mark.django_db
frictionless = pytest.importorskip("frictionless")


def example_row() -> dict[str, str]:
    with EXAMPLE_PATH.open(encoding="utf-8") as handle:
        return next(csv.DictReader(handle))


def frictionless_errors(path: Path) -> list:
    schema = frictionless.Schema.from_descriptor(json.loads(SCHEMA_PATH.read_text()))
    resource = frictionless.Resource(path=path.name, basepath=str(path.parent), schema=schema)
    report = frictionless.validate(resource)
    return report.flatten(["rowNumber", "fieldName", "type", "note"])


def write_csv(tmp_path: Path, rows: list[dict], name: str = "lieux.csv") -> Path:
    path = tmp_path / name
    path.write_text(rows_to_csv(rows), encoding="utf-8")
    return path


# --- the validator ---------------------------------------------------------------------------


def test_the_schema_example_is_valid_for_both_validators(tmp_path):
    assert row_problems(example_row(), 2) == []
    assert frictionless_errors(EXAMPLE_PATH) == []


BROKEN = [
    ("id", "", "valeur obligatoire manquante"),
    ("pivot", "123 456", "un SIRET (14 chiffres) ou un numéro RNA est attendu"),
    ("code_postal", "4200", "un code postal compte 5 chiffres"),
    ("code_insee", "2C123", "un code INSEE compte 5 caractères"),
    ("latitude", "45,43", "nombre attendu"),
    ("telephone", "04 77 00 00 00", "format international sans espace attendu"),
    ("date_maj", "02/04/2024", "date attendue au format AAAA-MM-JJ"),
    ("presentation_resume", "x" * 281, "280 caractères au plus (ici 281)"),
    ("itinerance", "Mobile", "valeur hors de la liste : 'Mobile'"),
    ("services", "Aide aux démarches administratives|Cuisine", "'Cuisine'"),
    ("frais_a_charge", "Gratuit|gratuit", "valeurs possibles, séparées par « | » : Gratuit ;"),
]


@pytest.mark.parametrize(("column", "value", "reason"), BROKEN, ids=[b[0] for b in BROKEN])
def test_each_broken_value_is_explained_in_french_and_frictionless_agrees(
    tmp_path, column, value, reason
):
    row = {**example_row(), column: value}
    problems = row_problems(row, 2)
    assert [(p.line, p.column, p.value) for p in problems] == [(2, column, value)]
    assert reason in problems[0].reason
    errors = frictionless_errors(write_csv(tmp_path, [row]))
    assert {e[1] for e in errors if e[1]} == {column}  # (+ a primary-key error for the id)


def test_duplicated_ids_are_found():
    rows = [(2, example_row()), (3, example_row())]
    problems = table_problems(rows)
    assert [(p.line, p.column, p.reason) for p in problems] == [
        (3, "id", "identifiant déjà présent ligne 2")
    ]


@pytest.mark.parametrize(
    ("national", "international"),
    [
        ("04 77 12 34 56", "+33477123456"),
        ("05 90 12 34 56", "+590590123456"),
        ("06 92 12 34 56", "+262692123456"),
        ("05 96 11 22 33", "+596596112233"),
    ],
    ids=["metropole", "guadeloupe", "reunion-mobile", "martinique"],
)
def test_phone_numbers_both_ways(national, international):
    assert to_international(national) == international
    assert to_national(international) == national
    assert to_international("3949") == ""


# --- import of other networks' files --------------------------------------------------------


def test_import_creates_then_leaves_unchanged_then_updates(tmp_path):
    path = write_csv(tmp_path, [example_row()])
    _fmt, rows = read_table(path)
    first = places_import(rows=rows, default_source="lieux")
    assert (first.created, first.updated, first.unchanged) == (1, 0, 0)
    site = Site.objects.get(external_source="Hubik", external_id="structure-1")
    assert (site.name, site.commune.code, site.postal_code) == ("Anonymal", "51454", "51100")
    assert site.phone == "01 80 05 98 80" and site.kind == "itinerant"
    assert site.opening_hours == "Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00"
    assert site.organisation.siret == "43493312300029"
    assert any("coordonnées à" in p.reason for p in first.warnings)  # Reims vs Marseille

    again = places_import(rows=rows, default_source="lieux")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    changed = [(2, {**rows[0][1], "horaires": "Mo-Fr 09:00-17:00"})]
    third = places_import(rows=changed, default_source="lieux")
    assert (third.created, third.updated) == (0, 1)
    site.refresh_from_db()
    assert site.opening_hours == "Mo-Fr 09:00-17:00" and site.version == 2
    assert Organisation.objects.filter(siret="43493312300029").count() == 1


def test_an_imported_place_exports_back_as_it_came():
    import datetime

    row = example_row()
    places_import(rows=[(2, row)], default_source="lieux")
    site = Site.objects.filter(external_id="structure-1")
    exported = next(export_rows(day=datetime.date(2026, 11, 24), sites=site))
    for name in (
        "id",
        "pivot",
        "nom",
        "code_postal",
        "code_insee",
        "adresse",
        "telephone",
        "horaires",
        "source",
        "itinerance",
        "prise_rdv",
        "presentation_detail",
    ):
        assert exported[name] == row[name], name
    assert set(exported) == set(field_names())


def test_invalid_rows_are_reported_and_skipped(tmp_path):
    good = example_row()
    rows = [
        good,
        {**good, "id": "structure-2", "code_postal": "ABCDE"},
        {**good, "id": "structure-3", "code_insee": "99999"},
        {**good, "id": "structure-4", "telephone": "pas un numéro", "horaires": "lundi matin"},
        {**good, "id": "structure-1"},
    ]
    _fmt, table = read_table(write_csv(tmp_path, rows))
    result = places_import(rows=table, default_source="lieux")
    assert result.created == 2  # structure-1 and structure-4
    rejected = {(p.line, p.column): p for p in result.rejected}
    assert set(rejected) == {(3, "code_postal"), (4, "code_insee"), (6, "id")}
    assert str(rejected[(3, "code_postal")]) == (
        "ligne 3, colonne « code_postal », valeur « ABCDE » : un code postal compte 5 chiffres"
    )
    assert "commune introuvable" in rejected[(4, "code_insee")].reason
    warned = {(p.line, p.column) for p in result.warnings}
    assert {(5, "telephone"), (5, "horaires")} <= warned
    four = Site.objects.get(external_id="structure-4")
    assert four.phone == "" and four.opening_hours_source == "lundi matin"


def test_json_files_as_published(tmp_path):
    row = {**example_row(), "latitude": 49.25, "longitude": 4.03, "services": None}
    row["dispositif_programmes_nationaux"] = ["France Services", "Aidants Connect"]
    for content in ([row], {"data": [row]}):
        path = tmp_path / "lieux.json"
        path.write_text(json.dumps(content), encoding="utf-8")
        _fmt, rows = read_table(path)
        assert rows[0][1]["dispositif_programmes_nationaux"] == "France Services|Aidants Connect"
        assert places_import(rows=rows, default_source="x").rejected == []
    assert Site.objects.filter(external_id="structure-1").count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", "id,nom\nx,y\n", "colonnes manquantes dans l'en-tête : pivot, commune"),
        ("b.json", "{not json", "n'est pas un JSON valide"),
        ("c.json", '{"a": 1}', "un tableau JSON de lieux est attendu"),
        ("d.json", '[{"id": "x"}]', "champs obligatoires absents de tous les lieux : pivot"),
        ("e.json", '[{"id": "x"}, {"id": "a\\u0000b"}]', "ligne 2, colonne « id » : caractère nul"),
    ],
    ids=["csv-header", "json-syntax", "json-shape", "json-fields", "json-nul"],
)
def test_unreadable_files_import_nothing(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFileError, match=message):
        read_table(path)


def test_commands(tmp_path):
    source = write_csv(tmp_path, [example_row()], name="autre-reseau.csv")
    out = io.StringIO()
    report = tmp_path / "rapport.csv"
    call_command("import_lieux_mediation_numerique", str(source), report=str(report), stdout=out)
    assert "créés 1" in out.getvalue()
    assert "coordonnées à" in report.read_text(encoding="utf-8")
    out = io.StringIO()
    target = tmp_path / "export.csv"
    call_command("export_lieux_mediation_numerique", output=str(target), stdout=out)
    assert "1 lieux exportés au format CSV" in out.getvalue()
    assert "conformes au schéma" in out.getvalue()
    assert frictionless_errors(target) == []


# --- export of the real list ------------------------------------------------------------------


@pytest.mark.usefixtures("france_services")
class TestExportOfTheRealList:
    def test_every_public_site_validates_in_csv_and_json(self, tmp_path):
        import datetime

        rows = list(export_rows(day=datetime.date(2026, 11, 24)))
        # every site the import of the official list (2,845 rows) accepted
        assert (
            len(rows) == Site.objects.public().count() == Site.objects.exclude(fs_id=None).count()
        )
        assert len(rows) >= 2843
        assert table_problems(list(enumerate(rows, start=2))) == []
        csv_path = write_csv(tmp_path, rows)
        assert frictionless_errors(csv_path) == []
        schema = frictionless.Schema.from_descriptor(json.loads(SCHEMA_PATH.read_text()))
        data = json.loads(rows_to_json(rows))
        report = frictionless.validate(frictionless.Resource(data=data, schema=schema))
        assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])[:5]

    def test_mapping_of_the_standard_fields(self):
        import datetime

        rows = {r["id"]: r for r in export_rows(day=datetime.date(2026, 11, 24))}
        bus = Site.objects.filter(kind="mobile").first()
        row = rows[f"fs-{bus.fs_id}"]
        assert row["itinerance"] == "Itinérant"
        assert row["dispositif_programmes_nationaux"] == "France Services"
        assert row["horaires"] == bus.opening_hours
        assert row["pivot"] == "00000000000000"
        assert row["source"] == "Maillon" and row["code_insee"] == bus.commune.code
        assert rows["fs-1"]["itinerance"] == "Fixe"
        before = {
            r["id"]
            for r in export_rows(day=datetime.date(2019, 6, 1))
            if r["dispositif_programmes_nationaux"]
        }
        assert before == set()  # nobody was labelled before the programme started

    @pytest.mark.parametrize("fmt", ["csv", "json"])
    def test_round_trip_export_then_import_changes_nothing(self, tmp_path, fmt):
        snapshot = [model_to_dict(s) for s in Site.objects.order_by("pk")]
        stamps = list(Site.objects.order_by("pk").values_list("updated_at", "version"))
        path = tmp_path / f"lieux.{fmt}"
        call_command("export_lieux_mediation_numerique", format=fmt, output=str(path), verbosity=0)
        _fmt, rows = read_table(path)
        result = places_import(rows=rows, default_source="retour")
        own = Site.objects.exclude(fs_id=None).count()  # every site of the official list
        assert (result.own, result.created, result.updated, result.rejected) == (own, 0, 0, [])
        assert [model_to_dict(s) for s in Site.objects.order_by("pk")] == snapshot
        assert list(Site.objects.order_by("pk").values_list("updated_at", "version")) == stamps
