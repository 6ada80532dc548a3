"""Spreadsheet helpers shared by the report documents (XLSX with openpyxl, CSV for Excel).

A report workbook is a cover sheet (what, for whom, when, from which data) followed by one sheet
per table: bold frozen header, number formats, column widths set for reading, a total row. Each
table is declared as an Excel table (named header row, no merged cell) for screen readers.
CSV files follow the project's convention for spreadsheet software (as the journal export):
UTF-8 with a byte order mark, `;` separator.
"""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from maillon.core.spreadsheets import csv_writer, sheet_append

INTEGER = "#,##0"
DECIMAL = "#,##0.0"
PERCENT = "+0.0%;-0.0%;0.0%"
SHARE = "0.0%"
MONTH = "mmmm yyyy"


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 14
    number_format: str | None = None


def new_workbook():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the default sheet: each caller adds its own
    return workbook


def _sheet_title(title: str) -> str:
    for char in "[]:*?/\\":
        title = title.replace(char, "-")
    return title[:31]


def cover_add(workbook, *, title: str, lines: Sequence[tuple[str, object]]) -> None:
    """The first sheet: a title and `label: value` lines."""
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(_sheet_title(title), 0)
    sheet_append(sheet, [title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    for label, value in lines:
        sheet_append(sheet, [label, value])
        cell = sheet.cell(row=sheet.max_row, column=2)
        if isinstance(value, int):
            cell.number_format = INTEGER
        elif isinstance(value, float):
            cell.number_format = DECIMAL
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 60


def table_add(
    workbook,
    *,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    total: Sequence[object] | None = None,
) -> None:
    """A sheet with a frozen bold header, formatted numbers and an optional bold total row."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(_sheet_title(title))
    sheet_append(sheet, [column.header for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"  # the header repeats on every printed page
    for row in rows:
        sheet_append(sheet, row)
    _name_table(workbook, sheet, [column.header for column in columns])
    if total is not None:
        sheet_append(sheet, total)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = column.number_format


def _name_table(workbook, sheet, headers: list[str]) -> None:
    """Declare the header and the rows as an Excel table, so that a screen reader announces
    each cell with its column's header (RGAA 13.3: named headers, no merged cells). Excel
    requires unique, non-empty headers and at least one row."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    if sheet.max_row < 2 or len(set(headers)) != len(headers) or not all(headers):
        return
    index = sum(len(other.tables) for other in workbook.worksheets) + 1
    table = Table(
        displayName=f"Tableau{index}",
        ref=f"A1:{get_column_letter(len(headers))}{sheet.max_row}",
        tableStyleInfo=TableStyleInfo(name="TableStyleLight1", showRowStripes=False),
    )
    sheet.add_table(table)


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    """CSV for spreadsheet software: UTF-8 with BOM, `;` separator, `\\r\\n` lines."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv_writer(buffer, delimiter=";")
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue().encode("utf-8")
