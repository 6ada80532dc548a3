"""The dashboard's charts, built from its numbers: the same SVGs in the page and the PDF."""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from maillon.reports.dashboards import TOP_SITES, Dashboard
from maillon.reports.periods import Period
from maillon.reports.rendering.charts import Chart, bar_chart, line_chart

MONTHS = (
    pgettext_lazy("month", "janv."),
    pgettext_lazy("month", "févr."),
    pgettext_lazy("month", "mars"),
    pgettext_lazy("month", "avr."),
    pgettext_lazy("month", "mai"),
    pgettext_lazy("month", "juin"),
    pgettext_lazy("month", "juil."),
    pgettext_lazy("month", "août"),
    pgettext_lazy("month", "sept."),
    pgettext_lazy("month", "oct."),
    pgettext_lazy("month", "nov."),
    pgettext_lazy("month", "déc."),
)
# breakdowns of the requests: dimension → French name of one of its values
BREAKDOWNS = {
    "partner": gettext_lazy("partenaire"),
    "theme": gettext_lazy("thème"),
    "channel": gettext_lazy("canal"),
}
BREAKDOWN_TITLES = {
    "partner": gettext_lazy("Demandes par partenaire"),
    "theme": gettext_lazy("Demandes par thème"),
    "channel": gettext_lazy("Demandes par canal"),
    "site": gettext_lazy("Points d'accueil les plus sollicités"),
}


def month_label(month: datetime.date) -> str:
    return f"{MONTHS[month.month - 1]} {month.year}"


def dashboard_charts(board: Dashboard) -> dict[str, Chart]:
    """`trend`, `by_partner`, `by_theme`, `by_channel` and `top_sites` of a dashboard."""
    period = board.period
    requests: list[int | None] = [requests for _m, requests, _people in board.trend]
    series = [(_("Demandes"), requests)]
    if any(people is not None for _m, _requests, people in board.trend):
        series.append(
            (_("Personnes accompagnées"), [people for _m, _requests, people in board.trend])
        )
    charts = {
        "trend": line_chart(
            title=_("Évolution mensuelle"),
            description=_("Demandes accompagnées et personnes accompagnées par mois, %(period)s.")
            % {"period": period.label},
            categories=[month_label(month) for month, _r, _p in board.trend],
            series=series,
            category_label=_("Mois"),
            chart_id="graphique-evolution",
        )
    }
    parts = {"partner": board.by_partner, "theme": board.by_theme, "channel": board.by_channel}
    for name, what in BREAKDOWNS.items():
        charts[f"by_{name}"] = _breakdown_chart(
            parts[name], name=name, what=str(what), period=period
        )
    busiest = [(s.name, s.requests) for s in board.sites[:TOP_SITES] if s.requests]
    charts["top_sites"] = _breakdown_chart(
        busiest, name="site", what=_("point d'accueil"), period=period
    )
    return charts


def _breakdown_chart(parts, *, name: str, what: str, period: Period) -> Chart:
    return bar_chart(
        title=str(BREAKDOWN_TITLES[name]),
        description=_("Nombre de demandes accompagnées par %(what)s, %(period)s.")
        % {"what": what, "period": period.label},
        categories=[label for label, _n in parts],
        series=[(_("Demandes"), [n for _label, n in parts])],
        horizontal=True,
        category_label=str(what).capitalize(),
        chart_id=f"graphique-{name}",
    )
