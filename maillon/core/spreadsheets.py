"""Inert spreadsheet cells: the one place every CSV and XLSX export neutralises formulas.

A spreadsheet reads a cell starting with `=`, `+`, `-` or `@` as a formula, and one starting
with a tab or a carriage return as one once trimmed; a site named `=HYPERLINK("http://…";"…")`
would be a live link in the file a partner downloads. Following the OWASP rules on CSV
injection, such a text is written with a leading single quote, which spreadsheet software
shows as text. Numbers stay numbers: an `int` or a `float` is never touched, nor a text that
is only a number (`-1.55`, `+33180059880`), which no spreadsheet evaluates as a formula.

Every export writes its cells through `inert` (or `csv_writer`, `dict_writer`, `sheet_append`);
the open-data reader gives a neutralised text back with `uninert`, so that our own export
re-imports unchanged.
"""

import csv
import re
from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def inert(value: Any) -> Any:
    """The value, with a leading quote if it is a text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return QUOTE + value
    return value


def uninert(value: str) -> str:
    """The text `inert` was given: drops the one leading quote it added, nothing else."""
    if value.startswith(QUOTE) and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def inert_row(row: Iterable[Any]) -> list[Any]:
    return [inert(value) for value in row]


class _InertWriter:
    """`csv.writer` whose every cell goes through `inert`."""

    def __init__(self, handle, **kwargs) -> None:
        self._writer = csv.writer(handle, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(inert_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _InertDictWriter(csv.DictWriter):
    """`csv.DictWriter` whose every value goes through `inert`."""

    def writerow(self, rowdict: Mapping[str, Any]):
        return super().writerow({key: inert(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for rowdict in rowdicts:
            self.writerow(rowdict)


def csv_writer(handle, **kwargs) -> _InertWriter:
    """A `csv.writer` (same arguments) writing inert cells."""
    return _InertWriter(handle, **kwargs)


def dict_writer(handle, fieldnames, **kwargs) -> csv.DictWriter:
    """A `csv.DictWriter` (same arguments) writing inert cells."""
    return _InertDictWriter(handle, fieldnames, **kwargs)


def sheet_append(sheet, row: Iterable[Any]) -> None:
    """openpyxl's `sheet.append` with inert cells: a neutralised text starts with a quote, so
    openpyxl stores it as a string cell, never as a formula (it makes a formula of any text
    starting with `=`). Works on write-only sheets too."""
    sheet.append(inert_row(row))
