"""Reading an activity file: CSV (`,` or `;`) or XLSX, streamed, headers in French or English."""

import csv
import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from maillon.core.importing import ImportFileError, not_utf8_error
from maillon.core.text import fold

COLUMNS = (
    "passage",
    "point_accueil",
    "date",
    "heure",
    "canal",
    "tranche_age",
    "qpv",
    "premiere_visite",
    "duree",
    "partenaire",
    "theme",
    "aide",
    "issue",
    "suite",
)
REQUIRED = ("passage", "point_accueil", "date", "canal", "theme")
ALIASES = {
    "visit": "passage",
    "site": "point_accueil",
    "point d'accueil": "point_accueil",
    "day": "date",
    "time": "heure",
    "channel": "canal",
    "age_band": "tranche_age",
    "tranche d'age": "tranche_age",
    "first_visit": "premiere_visite",
    "premiere visite": "premiere_visite",
    "duration": "duree",
    "partner": "partenaire",
    "help": "aide",
    "help_kind": "aide",
    "outcome": "issue",
    "follow_up": "suite",
}


def _canonical(header: str) -> str:
    key = fold(header.strip()).replace("-", "_")
    key = ALIASES.get(key, key)
    return key.replace(" ", "_")


def iter_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row with canonical keys) for a CSV (`,` or `;`) or XLSX file, streamed."""
    if path.suffix.lower() == ".xlsx":
        yield from _iter_xlsx(path)
    else:
        yield from _iter_csv(path)


def _check_header(path: Path, header: list[str]) -> list[str]:
    keys = [_canonical(h or "") for h in header]
    missing = [c for c in REQUIRED if c not in keys]
    if missing:
        raise ImportFileError(
            f"{path.name} : colonnes manquantes dans l'en-tête : {', '.join(missing)}."
        )
    return keys


def _iter_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ImportFileError(f"Impossible d'ouvrir le fichier {path} : {exc.strerror}") from exc
    with handle:
        try:
            first = handle.readline()
        except UnicodeDecodeError as exc:
            raise not_utf8_error(path) from exc
        delimiter = ";" if first.count(";") > first.count(",") else ","
        keys = _check_header(path, next(csv.reader([first], delimiter=delimiter)))
        reader = csv.reader(handle, delimiter=delimiter)
        line = 2  # the physical line where the next record starts (a quoted value may span lines)
        try:
            for values in reader:
                if values:
                    yield line, dict(zip(keys, (v.strip() for v in values), strict=False))
                line = reader.line_num + 2
        except UnicodeDecodeError as exc:
            raise not_utf8_error(path) from exc
        except csv.Error as exc:
            raise ImportFileError(
                f"{path.name}, ligne {line} : fichier illisible ({exc})."
            ) from exc


def _iter_xlsx(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise ImportFileError(f"{path.name} n'est pas un classeur XLSX lisible ({exc}).") from exc
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ImportFileError(f"{path.name} : la première feuille est vide.")
        keys = _check_header(path, [str(h or "") for h in header])
        for line, values in enumerate(rows, start=2):
            if not any(v not in (None, "") for v in values):
                continue
            yield line, {k: _cell_text(v) for k, v in zip(keys, values, strict=False)}
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
