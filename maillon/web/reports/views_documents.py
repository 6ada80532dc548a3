"""Report documents: the partner report (page, XLSX, PDF) and the France Services monthly
report of a site (page, XLSX, CSV). Access is decided by the selectors that compute them."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.access.rules import sites_visible_to
from maillon.core.errors import NotFound
from maillon.reports import monthly
from maillon.reports.partner import PartnerReportUnavailable, partner_report, partners_readable_by
from maillon.reports.periods import Period
from maillon.reports.rendering import monthly as monthly_documents
from maillon.reports.rendering.partner import (
    partner_report_context,
    partner_report_filename,
    partner_report_pdf,
    partner_report_xlsx,
)
from maillon.web.reports.downloads import CSV, PDF, XLSX, download, pdf_errors
from maillon.web.reports.forms import MonthField, default_period


class PeriodFields(forms.Form):
    """A run of months from `debut`/`fin` (month inputs) or `periode` (2024, 2024-T2…)."""

    debut = MonthField(label=gettext_lazy("Du mois"), required=False)
    fin = MonthField(label=gettext_lazy("Au mois (inclus)"), required=False)
    periode = forms.CharField(required=False, widget=forms.HiddenInput)

    def default(self) -> Period:
        return default_period()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        try:
            if data.get("periode"):
                data["period"] = Period.parse(data["periode"])
            else:
                default = self.default()
                first = data.get("debut") or default.first_month
                last = data.get("fin") or (data.get("debut") or default.last_month)
                data["period"] = Period.between(first, last)
        except ValidationError as error:
            self.add_error("periode" if data.get("periode") else "fin", error)
        return data


class PartnerReportForm(PeriodFields):
    partenaire = forms.CharField(label=gettext_lazy("Partenaire"), widget=forms.Select)
    field_order = ["partenaire", "debut", "fin", "periode"]

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partenaire"].widget.choices = [(p.code, p.name) for p in partners]


class MonthlyReportForm(PeriodFields):
    point_accueil = forms.CharField(label=gettext_lazy("Point d'accueil"), widget=forms.Select)
    field_order = ["point_accueil", "debut", "fin", "periode"]

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point_accueil"].widget.choices = [(s.pk, s.name) for s in sites]
        self.fields["debut"].label = _("Mois")
        self.fields["fin"].widget = forms.HiddenInput()

    def default(self) -> Period:
        last = default_period().last_month
        return Period(last, last)


def _bound(form_class, request, field: str, first_choice, **kwargs):
    params = request.GET.copy()
    if not params.get(field) and first_choice is not None:
        params[field] = first_choice
    return form_class(params, **kwargs)


def _show_period(form) -> None:
    """Show the months in use (a default, or `periode=2024`) in the month inputs."""
    period = form.cleaned_data["period"]
    form.data = form.data.copy()
    form.data["debut"] = f"{period.first_month:%Y-%m}"
    form.data["fin"] = f"{period.last_month:%Y-%m}"


@pdf_errors
def partner_report_view(request):
    partners = list(partners_readable_by(request.user))
    if not partners:
        raise Http404
    form = _bound(PartnerReportForm, request, "partenaire", partners[0].code, partners=partners)
    context = {"form": form}
    if not form.is_valid():
        return render(request, "reports/partner.html", context, status=400)
    _show_period(form)
    try:
        report = partner_report(
            user=request.user,
            partner_code=form.cleaned_data["partenaire"],
            period=form.cleaned_data["period"],
        )
    except PartnerReportUnavailable as error:
        context["error"] = str(error)
        return render(request, "reports/partner.html", context, status=404)
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        return download(
            partner_report_xlsx(report),
            filename=partner_report_filename(report, "xlsx"),
            content_type=XLSX,
        )
    if fmt == "pdf":
        return download(
            partner_report_pdf(report),
            filename=partner_report_filename(report, "pdf"),
            content_type=PDF,
        )
    context |= partner_report_context(report)
    query = request.GET.copy()
    query.pop("format", None)
    query["partenaire"] = report.partner.code
    query["periode"] = report.period.code
    context["query"] = query.urlencode()
    return render(request, "reports/partner.html", context)


def monthly_report_view(request):
    sites = list(sites_visible_to(request.user).order_by("name").only("pk", "name"))
    if not sites:
        raise Http404
    form = _bound(MonthlyReportForm, request, "point_accueil", sites[0].pk, sites=sites)
    context = {"form": form}
    if not form.is_valid():
        return render(request, "reports/monthly.html", context, status=400)
    _show_period(form)
    try:
        report = monthly.monthly_report(
            user=request.user,
            site_id=form.cleaned_data["point_accueil"],
            period=form.cleaned_data["period"],
        )
    except NotFound:
        context["error"] = _("Point d'accueil inconnu ou non autorisé pour votre compte.")
        return render(request, "reports/monthly.html", context, status=404)
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        return download(
            monthly_documents.monthly_report_xlsx(report),
            filename=monthly_documents.monthly_report_filename(report, "xlsx"),
            content_type=XLSX,
        )
    if fmt == "csv":
        return download(
            monthly_documents.monthly_report_csv(report),
            filename=monthly_documents.monthly_report_filename(report, "csv"),
            content_type=CSV,
        )
    query = request.GET.copy()
    query.pop("format", None)
    query["point_accueil"] = report.site.pk
    query["periode"] = report.period.code
    context |= {"report": report, "query": query.urlencode()}
    return render(request, "reports/monthly.html", context)
