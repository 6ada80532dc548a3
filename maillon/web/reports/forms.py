"""The filter shared by report pages: a scope the user may read and a run of months."""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillon.core.errors import NotFound
from maillon.reports.periods import Period, add_months, first_of_month
from maillon.reports.scopes import Scope, scope_choices, scope_get


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return f"{value:%Y-%m}"
        return value


class MonthField(forms.DateField):
    widget = MonthInput
    input_formats = ["%Y-%m", "%m/%Y"]
    default_error_messages = {"invalid": _("Indiquez un mois sous la forme AAAA-MM (2024-03).")}


def default_period() -> Period:
    """The last twelve complete months."""
    last = add_months(first_of_month(timezone.localdate()), -1)
    return Period(add_months(last, -11), last)


class ReportFilterForm(forms.Form):
    perimetre = forms.CharField(label=_("Périmètre"), widget=forms.Select)
    debut = MonthField(label=_("Du mois"), required=False)
    fin = MonthField(label=_("Au mois (inclus)"), required=False)
    periode = forms.CharField(
        label=_("Période"),
        required=False,
        widget=forms.HiddenInput,
        help_text=_("2024, 2024-T2, 2024-03 ou 2024-01..2024-06"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        choices = scope_choices(user)
        current = self.data.get("perimetre") if self.is_bound else None
        if current and current not in dict(choices):  # a site chosen elsewhere (superuser)
            choices.append((current, current))
        self.fields["perimetre"].widget.choices = choices

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        if data.get("periode"):
            data["period"] = Period.parse(data["periode"])
        else:
            default = default_period()
            first = data.get("debut") or default.first_month
            last = data.get("fin") or (data.get("debut") or default.last_month)
            try:
                data["period"] = Period.between(first, last)
            except ValidationError as error:
                self.add_error("fin", error)
                return data
        try:
            data["scope"] = scope_get(user=self.user, key=data["perimetre"])
        except NotFound:
            self.add_error("perimetre", _("Périmètre inconnu ou non autorisé pour votre compte."))
        return data


def report_filter(request) -> tuple[ReportFilterForm, Scope | None, Period | None]:
    """The bound filter of a report page (defaults: widest scope, last twelve months).

    Returns (form, scope, period); scope and period are None when the form has errors (the
    page then answers 400 with the form's French messages, and computes nothing)."""
    params = request.GET.copy()
    choices = scope_choices(request.user)
    if not params.get("perimetre") and choices:
        params["perimetre"] = choices[0][0]
    form = ReportFilterForm(params, user=request.user)
    if form.is_valid():
        return form, form.cleaned_data["scope"], form.cleaned_data["period"]
    return form, None, None
