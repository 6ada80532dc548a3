"""The partner scorecard in a workbook: a summary sheet (the period, the one before, the network)
and one sheet per grouping (partner, département, site), from `maillon.reports.cases`."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.reports.cases import CaseFigures, CaseScorecard
from maillon.reports.rendering.xlsx import DECIMAL, INTEGER, Column, table_add

# sheet titles hold 31 characters
SHEETS = {
    "partners": gettext_lazy("Dossiers par partenaire"),
    "departments": gettext_lazy("Dossiers par département"),
    "sites": gettext_lazy("Dossiers par point d'accueil"),
}


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def figure_lines(figures: CaseFigures) -> list[object]:
    """The figures of a scorecard line, in the order of `FIGURE_COLUMNS`."""
    return [
        figures.sent,
        figures.answer_owed,
        figures.on_time,
        _float(figures.on_time_rate),
        figures.median_first_answer_days,
        figures.median_resolution_days,
        figures.rated,
        _float(figures.useful_rate),
        figures.rerouted,
    ]


def figure_columns() -> list[Column]:
    return [
        Column(_("Dossiers transmis"), 16, INTEGER),
        Column(_("Première réponse due"), 20, INTEGER),
        Column(_("Réponse dans les délais"), 22, INTEGER),
        Column(_("Dans les délais (%)"), 18, DECIMAL),
        Column(_("Première réponse, médiane (jours ouvrés)"), 22, DECIMAL),
        Column(_("Traitement, médiane (jours ouvrés)"), 22, DECIMAL),
        Column(_("Clos avec avis d'utilité"), 20, INTEGER),
        Column(_("Utile (%)"), 12, DECIMAL),
        Column(_("Réorientés"), 12, INTEGER),
    ]


def scorecard_tables_add(workbook, scorecard: CaseScorecard) -> None:
    """The scorecard's sheets, after the report's own: the summary always, a grouping's sheet
    when it has rows (a sheet of headers only would be no table for a screen reader)."""
    lines = [
        (scorecard.period.label, scorecard.total),
        (scorecard.previous_period.label, scorecard.previous_total),
    ]
    if scorecard.network is not None:
        network = _("Réseau, %(period)s") % {"period": scorecard.period.label}
        lines.append((network, scorecard.network))
    table_add(
        workbook,
        title=_("Dossiers transmis"),
        columns=[Column(_("Période"), 36), *figure_columns()],
        rows=([label, *figure_lines(figures)] for label, figures in lines),
    )
    for code, _title, column, rows in scorecard.groupings:
        if not rows:  # no case in either period: the summary says so
            continue
        table_add(
            workbook,
            title=str(SHEETS[code]),
            columns=[
                Column(column, 40),
                *figure_columns(),
                Column(_("Dossiers transmis, période précédente"), 22, INTEGER),
            ],
            rows=([row.label, *figure_lines(row.now), row.before.sent] for row in rows),
            total=[_("Total"), *figure_lines(scorecard.total), scorecard.previous_total.sent],
        )
