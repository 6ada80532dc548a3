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
            raise ImportFileError(
                f"{path.name} n'est pas encodé en UTF-8 (octet {exc.start})."
            ) from exc
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
                yield start, {k: (v or "").strip() for k, v in row.items()}
                start = reader.line_num + 1
        except (csv.Error, UnicodeDecodeError) as exc:
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
