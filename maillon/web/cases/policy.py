"""« Règles des dossiers transmis »: the network head sets his network's deadlines (business
days) and the retention of personal data (`CasePolicy`). Network admins only; anyone else gets
the same 404 as for an unknown network."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from maillon.access.rules import networks_administered_by
from maillon.access.selectors import network_get_for_admin
from maillon.cases.models import CasePolicy
from maillon.cases.policy_writes import CASE_POLICY_BOUNDS, CASE_POLICY_FIELDS, case_policy_set
from maillon.web.http import AuthenticatedHttpRequest
from maillon.web.network.forms import add_service_errors


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
    network = network_get_for_admin(user=request.user, slug=request.GET.get("reseau"))
    policy = CasePolicy.objects.filter(network=network).first() or CasePolicy(network=network)
    if request.method == "POST":
        form = CasePolicyForm(request.POST, instance=CasePolicy(network=network))
        if form.is_valid():
            try:
                case_policy_set(actor=request.user, network=network, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Règles des dossiers transmis enregistrées."))
                return redirect(f"{reverse('cases_admin:policy')}?reseau={network.slug}")
    else:
        form = CasePolicyForm(instance=policy)
    return render(
        request,
        "cases/policy.html",
        {
            "form": form,
            "network": network,
            "networks": networks_administered_by(request.user).order_by("name"),
            "saved": policy.pk is not None,
        },
    )
