"""The one file-reading layer of the imports (`maillon.core.importing`): UTF-8 with or without
a byte-order mark, `,` or `;`, CSV/XLSX/JSON with line numbers, French errors."""

import datetime

import pytest
from openpyxl import Workbook

from maillon.core.importing import (
    ImportFileError,
    csv_records,
    read_csv_rows,
    read_json,
    table_records,
)


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["utf8", "utf8-bom"])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_with_or_without_bom_and_either_delimiter(tmp_path, bom, delimiter):
    path = tmp_path / "f.csv"
    text = f'code{delimiter}nom\n1{delimiter}"Saint-Étienne,\nLoire"\n\n2{delimiter} Lyon \n'
    path.write_bytes(bom + text.encode())
    rows = list(read_csv_rows(path, required_columns=("code", "nom")))
    assert rows == [
        (2, {"code": "1", "nom": "Saint-Étienne,\nLoire"}),
        (5, {"code": "2", "nom": "Lyon"}),
    ]


def test_a_short_record_gets_empty_values(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("a,b,c\n1\n", encoding="utf-8")
    assert list(read_csv_rows(path, required_columns=())) == [(2, {"a": "1", "b": "", "c": ""})]


def test_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes("code,nom\n1,Lyon\n2,Besançon\n".encode("latin-1"))
    with pytest.raises(
        ImportFileError, match=r"f.csv, ligne 3 : le fichier n'est pas encodé en UTF-8"
    ):
        list(csv_records(path))


def test_a_missing_file_is_a_french_error(tmp_path):
    with pytest.raises(ImportFileError, match="Impossible d'ouvrir le fichier"):
        list(csv_records(tmp_path / "absent.csv"))


def test_xlsx_rows_as_text_blank_rows_skipped(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["date", "heure", "n"])
    sheet.append([datetime.datetime(2026, 3, 10), datetime.time(9, 30), 3.0])
    sheet.append([None, None, None])
    sheet.append(["x", None, 2.5])
    path = tmp_path / "f.xlsx"
    workbook.save(path)
    assert list(table_records(path)) == [
        (1, ["date", "heure", "n"]),
        (2, ["2026-03-10", "09:30", "3"]),
        (4, ["x", "", "2.5"]),
    ]


def test_json_with_bom_and_errors(tmp_path):
    path = tmp_path / "f.json"
    path.write_bytes(b'\xef\xbb\xbf[{"id": 1}]')
    assert read_json(path) == [{"id": 1}]
    path.write_bytes(b'["\xe9"]')
    with pytest.raises(ImportFileError, match="n'est pas encodé en UTF-8"):
        read_json(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ImportFileError, match="n'est pas un JSON valide"):
        read_json(path)
