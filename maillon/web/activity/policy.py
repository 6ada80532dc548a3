"""« Règles de saisie »: the network head edits his network's desk rules (`ActivityPolicy`).
Network admins only; anyone else gets the same 404 as for an unknown network."""

from django import forms
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.activity.models import ActivityPolicy, HelpKind, Outcome
from maillon.activity.policy_writes import MAX_POLICY_DAYS, POLICY_FIELDS, activity_policy_set
from maillon.web.forms import model_choice_field
from maillon.web.http import AuthenticatedHttpRequest
from maillon.web.network.rules import network_rules_view


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
    return network_rules_view(
        request,
        model=ActivityPolicy,
        form_class=PolicyForm,
        save=activity_policy_set,
        template="activity/policy.html",
        url_name="activity:policy",
        saved_message=_("Règles de saisie enregistrées."),
    )
