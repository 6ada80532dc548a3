"""Dashboard pages: one view for every scope (network, région, département, structure, site),
driven by the scope selector and the filters; the same charts as a PDF."""

import datetime

from django import forms
from django.http import Http404, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.reports.dashboards import Filters, Taxonomies, dashboard, dashboard_taxonomies
from maillon.reports.periods import Period, add_months, first_of_month
from maillon.reports.rendering.dashboards import dashboard_charts
from maillon.reports.rendering.pdf import render_pdf
from maillon.web.forms import choice_field
from maillon.web.reports.downloads import PDF, download, pdf_errors
from maillon.web.reports.forms import ReportFilterForm, default_period

# filter field → taxonomy of dashboard_taxonomies()
FILTERS = {"partenaire": "partner", "theme": "theme", "canal": "channel"}


class DashboardFilterForm(ReportFilterForm):
    partenaire = forms.ChoiceField(label=gettext_lazy("Partenaire"), required=False)
    theme = forms.ChoiceField(label=gettext_lazy("Thème"), required=False)
    canal = forms.ChoiceField(label=gettext_lazy("Canal"), required=False)

    def __init__(self, *args, taxonomies: Taxonomies, **kwargs):
        super().__init__(*args, **kwargs)
        self.taxonomies = taxonomies
        for field_name, name in FILTERS.items():
            rows = taxonomies[name]
            choice_field(self, field_name).choices = [
                ("", _("Tous")),
                *((c, label) for _pk, c, label in rows),
            ]

    def filters(self) -> Filters:
        ids = {}
        for field_name, name in FILTERS.items():
            code = self.cleaned_data.get(field_name)
            ids[name] = next((pk for pk, c, _label in self.taxonomies[name] if c == code), None)
        return Filters(**ids)


def dashboard_filter(request, taxonomies: Taxonomies):
    """The bound filter form; (form, scope, period, filters), or None for the last three when
    the form has errors (the page answers 400 with the form's French messages). Http404 for a
    user without any report scope (partner viewers)."""
    params = request.GET.copy()  # the form's data, completed below
    form = DashboardFilterForm(params, user=request.user, taxonomies=taxonomies)
    choices = form.fields["perimetre"].widget.choices
    if not choices:
        raise Http404(_("Aucun périmètre de rapport pour ce compte."))
    if not params.get("perimetre"):
        params["perimetre"] = choices[0][0]  # the widest scope
    if not form.is_valid():
        return form, None, None, None
    period = form.cleaned_data["period"]
    # the month inputs show the period chosen by a quick link
    data = params.copy()
    data["debut"], data["fin"] = f"{period.first_month:%Y-%m}", f"{period.last_month:%Y-%m}"
    data.pop("periode", None)
    form.data = data
    return form, form.cleaned_data["scope"], period, form.filters()


def quick_periods(today: datetime.date) -> list[tuple[str, Period]]:
    """The quick links of the period: last twelve months, this year, last year, quarters."""
    this_month = first_of_month(today)
    links = [
        (_("12 derniers mois"), default_period()),
        (_("Cette année"), Period(datetime.date(today.year, 1, 1), this_month)),
        (_("L'année dernière"), Period.year(today.year - 1)),
    ]
    # the last four complete quarters, oldest first
    quarter_start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    for n in range(4, 0, -1):
        first = add_months(quarter_start, -3 * n)
        period = Period.quarter(first.year, (first.month - 1) // 3 + 1)
        links.append((period.label.capitalize(), period))
    return links


def _query(params: QueryDict, **changes) -> str:
    query = params.copy()
    for key in ("format", "debut", "fin", "periode"):
        query.pop(key, None)
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@pdf_errors
def dashboard_view(request):
    taxonomies = dashboard_taxonomies()
    form, scope, period, filters = dashboard_filter(request, taxonomies)
    context = {"form": form}
    if scope is None:
        return render(request, "reports/dashboard.html", context, status=400)
    data = dashboard(scope=scope, period=period, filters=filters, taxonomies=taxonomies)
    current = form.data
    context |= {
        "dashboard": data,
        "charts": dashboard_charts(data),
        "scope": scope,
        "period": period,
        "active_filters": [
            (form.fields[name].label, dict(form.fields[name].choices)[form.cleaned_data[name]])
            for name in FILTERS
            if form.cleaned_data.get(name)
        ],
    }
    if request.GET.get("format") == "pdf":
        content = render_pdf("reports/dashboard_pdf.html", context, request=request)
        stem = f"tableau-de-bord-{scope.kind}-{scope.code or 'tout'}-{period.code}"
        return download(content, filename=f"{stem.replace('..', '_')}.pdf", content_type=PDF)
    context |= {
        "quick_links": [
            (label, _query(current, periode=p.code), p == period)
            for label, p in quick_periods(timezone.localdate())
        ],
        "pdf_query": _query(current, periode=period.code, format="pdf"),
    }
    return render(request, "reports/dashboard.html", context)
