"""The one file-reading layer of every import, and the importers' shared vocabulary.

Reading: a file is UTF-8 (with or without a byte-order mark; anything else is refused with a
French error naming the line), CSV with `,` or `;` (`csv_records`, `read_csv_rows`), XLSX
(`xlsx_records`, openpyxl read-only) or JSON (`read_json`); records come with the line they
start on, so that each problem is located (file, line, column) and explained (`Problem`).
"""

import csv
import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from maillon.core.spreadsheets import csv_writer


@dataclass(frozen=True)
class Problem:
    """Why one value of one row could not be taken as it is (message in French)."""

    line: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        value = self.value if len(self.value) <= 80 else self.value[:77] + "…"
        return f"ligne {self.line}, colonne « {self.column} », valeur « {value} » : {self.reason}"


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, header): nothing is imported."""


def undecodable_line(path: Path, encoding: str = "utf-8") -> int | None:
    """The physical line (from 1) holding the first byte that is not `encoding`, or None.

    A text reader decodes ahead by blocks, so where it fails says nothing of the line; a
    multi-byte character never spans a line break, so each line can be decoded alone."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode(encoding)
            except UnicodeDecodeError:
                return number
    return None


def not_utf8_error(path: Path) -> ImportFileError:
    """The French error for a file that is not UTF-8, naming the line of the first bad byte."""
    line = undecodable_line(path)
    where = f", ligne {line}" if line else ""
    return ImportFileError(
        f"{path.name}{where} : le fichier n'est pas encodé en UTF-8 (enregistrez-le en UTF-8)."
    )


def nul_byte_error(path: Path, line: int, column: str) -> ImportFileError:
    """A NUL character (byte 0) is no text: no database stores it, so the file is refused."""
    return ImportFileError(
        f"{path.name}, ligne {line}, colonne « {column} » : caractère nul (octet 0) interdit."
    )


def open_text(path: Path) -> TextIO:
    """The file as UTF-8 text, with or without a byte-order mark (a spreadsheet's "CSV UTF-8"
    export writes one); newline="" for the csv module. An unreadable path: ImportFileError."""
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ImportFileError(f"Impossible d'ouvrir le fichier {path} : {exc.strerror}") from exc


def sniff_delimiter(header: str) -> str:
    """`;` (a French spreadsheet's export) when the header line holds more of them than `,`."""
    return ";" if header.count(";") > header.count(",") else ","


def csv_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(physical line where the record starts, raw values) of every non-empty record of a CSV
    file, the header first; quoted values may span lines. Not UTF-8, or not CSV:
    ImportFileError naming the line."""
    with open_text(path) as handle:
        try:
            header = handle.readline()
        except UnicodeDecodeError as exc:
            raise not_utf8_error(path) from exc
        handle.seek(0)
        reader = csv.reader(handle, delimiter=sniff_delimiter(header))
        line = 1
        try:
            for values in reader:
                if values:
                    yield line, values
                line = reader.line_num + 1
        except UnicodeDecodeError as exc:
            raise not_utf8_error(path) from exc
        except csv.Error as exc:
            raise ImportFileError(
                f"{path.name}, ligne {line} : fichier CSV illisible ({exc})."
            ) from exc


def xlsx_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(row number, values as text) of the first sheet of an XLSX workbook, read-only and
    streamed: the header row first, then every row that is not blank."""
    from openpyxl import load_workbook  # noqa: PLC0415 - a heavy import, for XLSX files only

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise ImportFileError(f"{path.name} n'est pas un classeur XLSX lisible ({exc}).") from exc
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ImportFileError(f"{path.name} : la première feuille est vide.")
        yield 1, [cell_text(value) for value in header]
        for line, values in enumerate(rows, start=2):
            if any(value not in (None, "") for value in values):
                yield line, [cell_text(value) for value in values]
    finally:
        workbook.close()


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV export would hold (dates in ISO 8601, whole numbers
    without ".0")."""
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


def table_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """`xlsx_records` for a .xlsx file, `csv_records` for any other."""
    return xlsx_records(path) if path.suffix.lower() == ".xlsx" else csv_records(path)


def missing_columns_error(path: Path, missing: list[str]) -> ImportFileError:
    return ImportFileError(
        f"{path.name} : colonnes manquantes dans l'en-tête : {', '.join(missing)}."
    )


def read_csv_rows(
    path: Path, *, required_columns: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number where the record starts, row) for a CSV file with a header.

    Checks the header first and raises ImportFileError (in French) when the file cannot be
    read or a required column is missing. Values are stripped, a missing value is empty; a NUL
    character is refused.
    """
    records = csv_records(path)
    header = [name.strip() for name in next(records, (1, []))[1]]
    missing = [name for name in required_columns if name not in header]
    if missing:
        raise missing_columns_error(path, missing)
    for line, values in records:
        row = dict(zip(header, values, strict=False))
        for name in header[len(values) :]:
            row[name] = ""
        row = {name: value.strip() for name, value in row.items()}
        for column, value in row.items():
            if "\x00" in value:
                raise nul_byte_error(path, line, column)
        yield line, row


def read_json(path: Path) -> Any:
    """The JSON document of a UTF-8 file (with or without a byte-order mark)."""
    try:
        with open_text(path) as handle:
            return json.load(handle)
    except UnicodeDecodeError as exc:
        raise not_utf8_error(path) from exc
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"{path.name} n'est pas un JSON valide (ligne {exc.lineno}, colonne {exc.colno} : "
            f"{exc.msg})."
        ) from exc


ProblemSections = list[tuple[str, list[Problem]]]


def print_problems(console, *, file_name: str, sections: ProblemSections) -> None:
    """Print each non-empty section of problems under its title (a rich Console)."""
    for title, problems in sections:
        if not problems:
            continue
        console.print(f"\n[bold]{title} ({len(problems)})[/]")
        for problem in problems:
            console.print(
                f"  {file_name}, {problem}", markup=False, highlight=False, soft_wrap=True
            )


def write_problem_report(path: str | Path, *, sections: ProblemSections) -> None:
    """Write every problem to a CSV file: category, line, column, value, reason."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv_writer(handle)
        writer.writerow(["catégorie", "ligne", "colonne", "valeur", "motif"])
        for title, problems in sections:
            for p in problems:
                writer.writerow([title, p.line, p.column, p.value, p.reason])
