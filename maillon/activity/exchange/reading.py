"""Reading an activity file: CSV (`,` or `;`) or XLSX, streamed by `core.importing`, headers
in French or English."""

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from maillon.core.importing import missing_columns_error, sniff_delimiter, table_records
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


# Python's `str.strip()` removes exactly these characters (`str.isspace`): SQL's btrim with
# this set gives the same values.
WHITESPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
CHUNK = 1 << 20  # bytes per read when scanning or sending a file


# A byte that may begin (LEADS) or end (ENDS) a white-space character: ASCII white space, or
# the first or last byte of a non-ASCII one in UTF-8. Coarse on purpose (« é » ends with a0):
# met beside a delimiter or line break, the values are stripped in SQL, else taken as they are.
_SPACES = bytes(ord(c) for c in WHITESPACE if ord(c) < 128)
LEADS = _SPACES + bytes({c.encode()[0] for c in WHITESPACE if ord(c) >= 128})
ENDS = _SPACES + bytes({c.encode()[-1] for c in WHITESPACE if ord(c) >= 128})


def _marked(text: bytes, delimiter: bytes, spaces: bytes) -> bytes:
    """`text` with a delimiter or line break as 2 and a byte of `spaces` as 1."""
    table = bytearray(range(256))
    for byte in spaces:
        table[byte] = 1
    table[delimiter[0]] = table[ord("\n")] = 2
    return text.translate(table)


def _spaced(text: bytes, delimiter: bytes) -> bool:
    """Whether a value of these whole lines may begin or end with white space."""
    return b"\x02\x01" in _marked(text, delimiter, LEADS) or b"\x01\x02" in _marked(
        text, delimiter, ENDS
    )


@dataclass(frozen=True)
class PlainCsv:
    """A CSV file whose every record is one line of `delimiter`-separated values, without quote
    or carriage return: PostgreSQL's `COPY … (FORMAT csv)` reads its records (from `offset`, past
    the byte-order mark and header) as `iter_columns` does; `keys` is the canonical header."""

    keys: list[str]
    delimiter: str
    offset: int
    spaced: bool  # a value may begin or end with white space: strip them (else none does)


def plain_csv(path: Path) -> PlainCsv | None:
    """The file's PlainCsv, or None when PostgreSQL could read it otherwise than `csv_records`
    (XLSX, a quote — a field may then span lines —, a carriage return, a blank line, an
    end-of-copy marker `\\.`, a line longer than the csv module's field limit, a first line that
    is not UTF-8). A missing column: ImportFileError, as `iter_columns` raises it."""
    if path.suffix.lower() == ".xlsx":
        return None
    limit = csv.field_size_limit()
    with path.open("rb") as handle:
        first = handle.readline()
        bom = len(codecs.BOM_UTF8) if first.startswith(codecs.BOM_UTF8) else 0
        try:
            header = first[bom:].decode("utf-8").rstrip("\n")
        except UnicodeDecodeError:
            return None
        if not header or len(first) > limit or any(c in header for c in '"\r\x00'):
            return None
        delimiter = sniff_delimiter(header)
        separator, spaced = delimiter.encode(), False
        tail = b"\n"  # the end of the previous chunk: its last, maybe partial, line
        while chunk := handle.read(CHUNK):
            text = tail + chunk
            if any(bad in text for bad in (b'"', b"\r", b"\n\n", b"\\.")):
                return None
            lines = text.split(b"\n")
            if max(map(len, lines)) > limit:
                return None
            spaced = spaced or _spaced(text, separator)
            tail = b"\n" + lines[-1]
        spaced = spaced or _spaced(tail + b"\n", separator)
    values = next(csv.reader([header], delimiter=delimiter))
    return PlainCsv(_header(path, iter([(1, values)])), delimiter, len(first), spaced)
