"""Reading an activity file: CSV (`,` or `;`) or XLSX, streamed by `core.importing`, headers
in French or English."""

from collections.abc import Iterator
from pathlib import Path

from maillon.core.importing import missing_columns_error, table_records
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
    """(line, row with canonical keys) for a CSV (`,` or `;`) or XLSX file, streamed
    (`core.importing.table_records`)."""
    records = table_records(path)
    keys = _header(path, records)
    for line, values in records:
        yield line, dict(zip(keys, (v.strip() for v in values), strict=False))


def iter_columns(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line, the values of `COLUMNS` in that order): the rows of `iter_rows` without a dict per
    row (the set-based import's COPY); a column absent from the file or the row is empty."""
    records = table_records(path)
    keys = _header(path, records)
    last = {key: i for i, key in enumerate(keys)}  # a repeated header: the last wins, as in a dict
    positions = [last.get(column, -1) for column in COLUMNS]
    for line, values in records:
        width = len(values)
        yield line, [values[i].strip() if 0 <= i < width else "" for i in positions]


def _header(path: Path, records: Iterator[tuple[int, list[str]]]) -> list[str]:
    _line, header = next(records, (1, []))
    keys = [_canonical(name) for name in header]
    missing = [c for c in REQUIRED if c not in keys]
    if missing:
        raise missing_columns_error(path, missing)
    return keys
