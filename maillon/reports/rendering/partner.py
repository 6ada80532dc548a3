"""The partner report's documents: its cover lines, its two charts, its XLSX and PDF, from the
numbers of `maillon.reports.partner`."""

from django.utils.translation import gettext as _

from maillon.reports.partner import PartnerReport, Row
from maillon.reports.rendering.cases import scorecard_tables_add
from maillon.reports.rendering.charts import bar_chart, line_chart
from maillon.reports.rendering.pdf import render_pdf
from maillon.reports.rendering.xlsx import (
    DECIMAL,
    INTEGER,
    MONTH,
    PERCENT,
    SHARE,
    Column,
    cover_add,
    new_workbook,
    table_add,
    workbook_bytes,
)


def report_facts(report: PartnerReport) -> list[tuple[str, object]]:
    """The cover lines: the same in the XLSX cover sheet, the page and the PDF."""
    return [
        (_("Partenaire"), report.partner.name),
        (_("Période"), report.period.label),
        (_("Période de comparaison"), report.previous_period.label),
        (_("Périmètre"), report.scope_label),
        (_("Points d'accueil sous convention"), len(report.sites)),
        (_("Demandes"), report.total),
        (_("Demandes de la période précédente"), report.previous_total),
        (
            _("Part des demandes dont l'issue n'a pas été saisie (valeur par défaut, %)"),
            report.defaulted_outcome_rate,
        ),
        (_("Moyenne par point d'accueil"), _rounded(report.average_per_site)),
        (
            _("Moyenne du réseau par point d'accueil"),
            _rounded(report.network_average),
        ),
        (_("Points d'accueil du réseau sous convention"), report.network_sites),
        (_("Généré le"), report.generated_at.strftime("%d/%m/%Y %H:%M")),
        (_("Sources"), report.source),
    ]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def partner_report_xlsx(report: PartnerReport) -> bytes:
    workbook = new_workbook()
    cover_add(workbook, title=_("Rapport partenaire"), lines=report_facts(report))
    counts = [
        Column(_("Demandes"), 12, INTEGER),
        Column(_("Période précédente"), 18, INTEGER),
        Column(_("Évolution"), 12, PERCENT),
    ]
    average = report.network_average
    table_add(
        workbook,
        title=report.by_site.title,
        columns=[
            Column(_("Point d'accueil"), 40),
            Column(_("Structure"), 36),
            Column(_("Commune"), 24),
            *counts,
            Column(_("Moyenne du réseau"), 18, DECIMAL),
            Column(_("Écart à la moyenne du réseau"), 26, PERCENT),
        ],
        rows=(
            [
                row.label,
                row.detail["organisation"],
                row.detail["commune"],
                row.requests,
                row.previous,
                row.change,
                _rounded(average),
                report.site_gap(row),
            ]
            for row in report.by_site.rows
        ),
        total=[_("Total"), "", "", report.total, report.previous_total, report.change],
    )
    table_add(
        workbook,
        title=report.by_month.title,
        columns=[Column(_("Mois"), 18, MONTH), *counts],
        rows=(
            [row.detail["month"], row.requests, row.previous, row.change]
            for row in report.by_month.rows
        ),
        total=[_("Total"), report.total, report.previous_total, report.change],
    )
    for breakdown in (report.by_theme, report.by_help, report.by_outcome):
        table_add(
            workbook,
            title=breakdown.title,
            columns=[
                Column(breakdown.column, 44),
                counts[0],
                Column(_("Part"), 10, SHARE),
                *counts[1:],
            ],
            rows=(
                [row.label, row.requests, breakdown.share(row), row.previous, row.change]
                for row in breakdown.rows
            ),
            total=[
                _("Total"),
                breakdown.total,
                1 if breakdown.total else None,
                breakdown.previous_total,
                Row("", breakdown.total, breakdown.previous_total).change,
            ],
        )
    if report.cases is not None:
        scorecard_tables_add(workbook, report.cases)
    return workbook_bytes(workbook)


def partner_report_filename(report: PartnerReport, extension: str) -> str:
    period = report.period.code.replace("..", "_")
    return f"rapport-{report.partner.code}-{period}.{extension}"


def partner_charts(report: PartnerReport) -> dict:
    """The monthly trend and the themes of the report, the same in the page and the PDF."""
    months = report.by_month.rows
    trend = line_chart(
        title=_("Demandes par mois"),
        description=_("Demandes de la période et de la période précédente, mois par mois."),
        categories=[row.label for row in months],
        series=[
            (report.period.label, [row.requests for row in months]),
            (report.previous_period.label, [row.previous for row in months]),
        ],
        unit=_("demandes"),
        category_label=_("Mois"),
    )
    themes = bar_chart(
        title=_("Demandes par thème"),
        description=_("Demandes de la période par thème de service-public.fr."),
        categories=[row.label for row in report.by_theme.rows],
        series=[(report.period.label, [row.requests for row in report.by_theme.rows])],
        unit=_("demandes"),
        horizontal=True,
        category_label=_("Thème"),
    )
    return {"trend_chart": trend, "theme_chart": themes}


def partner_report_context(report: PartnerReport) -> dict:
    """What the page and the PDF templates read: the report, its cover lines, its charts."""
    return {"report": report, "facts": report_facts(report), **partner_charts(report)}


def partner_report_pdf(report: PartnerReport) -> bytes:
    return render_pdf("reports/partner_pdf.html", partner_report_context(report))
