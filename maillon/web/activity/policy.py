"""« Règles de saisie »: the network head edits his network's desk rules (`ActivityPolicy`).
Network admins only; anyone else gets the same 404 as for an unknown network."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.access.rules import networks_administered_by
from maillon.access.selectors import network_get_for_admin
from maillon.activity.models import ActivityPolicy, HelpKind, Outcome
from maillon.activity.policy_writes import MAX_POLICY_DAYS, POLICY_FIELDS, activity_policy_set
from maillon.web.activity.followups import add_errors
from maillon.web.forms import model_choice_field
from maillon.web.http import AuthenticatedHttpRequest


class PolicyForm(forms.ModelForm):
    class Meta:
        model = ActivityPolicy
        fields = POLICY_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        for name in ("author_edit_days", "manager_edit_days", "late_entry_days", "follow_up_days"):
            self.fields[name].widget.attrs.update(min=0, max=MAX_POLICY_DAYS)
        help_kind = model_choice_field(self, "default_help_kind")
        help_kind.queryset = HelpKind.objects.valid_on(today)
        help_kind.empty_label = _("Aucune : l'aide est obligatoire")
        outcome = model_choice_field(self, "default_outcome")
        outcome.queryset = Outcome.objects.valid_on(today)
        outcome.empty_label = _("Aucune : l'issue est obligatoire")


def policy_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    network = network_get_for_admin(user=request.user, slug=request.GET.get("reseau"))
    policy = ActivityPolicy.objects.filter(network=network).first() or ActivityPolicy(
        network=network
    )
    if request.method == "POST":
        form = PolicyForm(request.POST, instance=ActivityPolicy(network=network))
        if form.is_valid():
            try:
                activity_policy_set(actor=request.user, network=network, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Règles de saisie enregistrées."))
                return redirect(f"{reverse('activity:policy')}?reseau={network.slug}")
    else:
        form = PolicyForm(instance=policy)
    return render(
        request,
        "activity/policy.html",
        {
            "form": form,
            "network": network,
            "networks": networks_administered_by(request.user).order_by("name"),
            "saved": policy.pk is not None,
        },
    )
