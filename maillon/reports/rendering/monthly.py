"""The France Services monthly report's documents (XLSX, CSV), from the numbers of
`maillon.reports.monthly`."""

from django.utils.translation import gettext as _

from maillon.reports.monthly import MonthlyReport
from maillon.reports.rendering.xlsx import (
    INTEGER,
    Column,
    cover_add,
    csv_bytes,
    new_workbook,
    table_add,
    workbook_bytes,
)


def monthly_report_facts(report: MonthlyReport) -> list[tuple[str, object]]:
    return [
        (_("Point d'accueil"), report.site.name),
        (_("Identifiant France Services"), report.site.fs_id or ""),
        (_("Période"), report.period.label),
        *report.summary,
        (_("Généré le"), report.generated_at.strftime("%d/%m/%Y %H:%M")),
        (_("Sources"), report.source),
    ]


def monthly_report_xlsx(report: MonthlyReport) -> bytes:
    workbook = new_workbook()
    cover_add(
        workbook, title=_("Rapport mensuel France Services"), lines=monthly_report_facts(report)
    )
    for table in report.tables:
        with_total = len(table.columns) > 1 and table.code == "requests"
        columns = [Column(table.row_header, 40)]
        columns += [Column(name, 18, INTEGER) for name in table.columns]
        if with_total:
            columns.append(Column(_("Total"), 12, INTEGER))
        table_add(
            workbook,
            title=table.sheet or table.title,
            columns=columns,
            rows=(
                [line.label, *line.values, *([line.total] if with_total else [])]
                for line in table.lines
            ),
            total=[
                _("Total"),
                *table.totals,
                *([table.grand_total] if with_total else []),
            ],
        )
    return workbook_bytes(workbook)


def monthly_report_csv(report: MonthlyReport) -> bytes:
    """One figure per line (site, period, table, line, column, value): easy to sum and filter."""
    site, period = report.site, report.period.code
    header: list[object] = [
        _("point_accueil"),
        _("id_france_services"),
        _("periode"),
        _("rubrique"),
        _("ligne"),
        _("colonne"),
        _("valeur"),
    ]
    rows = [header]
    for table in report.tables:
        for line in table.lines:
            for column, value in zip(table.columns, line.values, strict=True):
                rows.append([site.name, site.fs_id, period, table.title, line.label, column, value])
    return csv_bytes(rows)


def monthly_report_filename(report: MonthlyReport, extension: str) -> str:
    period = report.period.code.replace("..", "_")
    return f"rapport-mensuel-{report.site.pk}-{period}.{extension}"
