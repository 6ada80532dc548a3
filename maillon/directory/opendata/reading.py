"""Reading files of the standard as published by other networks and the national map:
CSV (comma or semicolon, UTF-8) or JSON (an array of objects, or an object holding it)."""

from pathlib import Path

from maillon.core.importing import ImportFileError, nul_byte_error, read_csv_rows, read_json
from maillon.core.spreadsheets import uninert
from maillon.directory.opendata.schema import field_names, required_names

JSON_CONTAINERS = ("data", "lieux", "items", "results", "features")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(_text(v) for v in value)
    if isinstance(value, float) and value.is_integer() and abs(value) > 1000:
        return str(int(value))
    return str(value).strip()


def _json_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    data = read_json(path)
    if isinstance(data, dict):
        data = next((data[k] for k in JSON_CONTAINERS if isinstance(data.get(k), list)), None)
    if not isinstance(data, list):
        raise ImportFileError(
            f"{path.name} : un tableau JSON de lieux est attendu (ou un objet avec une clé "
            f"« data » qui le contient)."
        )
    rows = []
    for index, item in enumerate(data, start=1):
        if isinstance(item, dict) and "properties" in item and isinstance(item["properties"], dict):
            item = item["properties"]  # GeoJSON feature
        if not isinstance(item, dict):
            raise ImportFileError(f"{path.name}, élément {index} : un objet JSON est attendu.")
        row = {k: _text(v) for k, v in item.items()}
        for key, value in row.items():
            if "\x00" in value:
                raise nul_byte_error(path, index, key)
        rows.append((index, row))
    if rows:
        missing = [n for n in required_names() if all(n not in row for _i, row in rows)]
        if missing:
            raise ImportFileError(
                f"{path.name} : champs obligatoires absents de tous les lieux : "
                f"{', '.join(missing)}."
            )
    return rows


def read_table(path: Path) -> tuple[str, list[tuple[int, dict[str, str]]]]:
    """("csv" or "json", [(line or element number, row)]); ImportFileError if unreadable."""
    if path.suffix.lower() == ".json":
        return "json", _json_rows(path)
    rows = list(read_csv_rows(path, required_columns=required_names()))
    known = set(field_names())
    # A CSV export neutralises formula-like texts with a leading quote: give them back as typed.
    return "csv", [
        (line, {k: uninert(v) for k, v in row.items() if k in known}) for line, row in rows
    ]
