"""« Règles des dossiers transmis »: the network head sets his network's deadlines (business
days) and the retention of personal data (`CasePolicy`). Network admins only; anyone else gets
the same 404 as for an unknown network."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import HttpResponse
from django.utils.translation import gettext as _

from maillon.cases.models import CasePolicy
from maillon.cases.policy_writes import CASE_POLICY_BOUNDS, CASE_POLICY_FIELDS, case_policy_set
from maillon.web.http import AuthenticatedHttpRequest
from maillon.web.network.rules import network_rules_view


class CasePolicyForm(forms.ModelForm):
    class Meta:
        model = CasePolicy
        fields = CASE_POLICY_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in CASE_POLICY_BOUNDS.items():
            field = self.fields[name]
            field.validators += [MinValueValidator(low), MaxValueValidator(high)]
            field.widget.attrs.update(min=low, max=high)


def case_policy_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return network_rules_view(
        request,
        model=CasePolicy,
        form_class=CasePolicyForm,
        save=case_policy_set,
        template="cases/policy.html",
        url_name="cases_admin:policy",
        saved_message=_("Règles des dossiers transmis enregistrées."),
    )
