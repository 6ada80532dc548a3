"""Shared vocabulary of importers: a problem is located (file, line, column) and explained."""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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


def read_csv_rows(
    path: Path, *, required_columns: tuple[str, ...], encoding: str = "utf-8-sig"
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number where the record starts, row) for a CSV file with a header.

    Checks the header first and raises ImportFileError (in French) when the file cannot be
    read or a required column is missing. Values are stripped; quoted fields may span lines.
    """
    try:
        handle = path.open(encoding=encoding, newline="")
    except OSError as exc:
        raise ImportFileError(f"Impossible d'ouvrir le fichier {path} : {exc.strerror}") from exc
    with handle:
        try:
            sample = handle.read(64 * 1024)
        except UnicodeDecodeError as exc:
            raise not_utf8_error(path) from exc
        handle.seek(0)
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        reader = csv.DictReader(handle, delimiter=delimiter)
        header = [name.strip() for name in (reader.fieldnames or [])]
        missing = [name for name in required_columns if name not in header]
        if missing:
            raise ImportFileError(
                f"{path.name} : colonnes manquantes dans l'en-tête : {', '.join(missing)}."
            )
        reader.fieldnames = header
        start = 2
        try:
            for row in reader:
                if None in row:
                    row.pop(None)
                values = {k: (v or "").strip() for k, v in row.items()}
                for column, value in values.items():
                    if "\x00" in value:
                        raise nul_byte_error(path, start, column)
                yield start, values
                start = reader.line_num + 1
        except UnicodeDecodeError as exc:
            raise not_utf8_error(path) from exc
        except csv.Error as exc:
            raise ImportFileError(
                f"{path.name}, ligne {start} : fichier CSV illisible ({exc})."
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
