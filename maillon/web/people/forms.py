from django import forms
from django.utils.translation import gettext_lazy as _

from maillon.network.models import Site
from maillon.people.enums import ContractType, EmployeeRole, ExitOutcome
from maillon.web.forms import model_choice_field
from maillon.web.network.forms import DATE_WIDGET


class EmployeeForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=100)
    last_name = forms.CharField(label=_("Nom"), max_length=100)
    role = forms.ChoiceField(label=_("Fonction"), choices=EmployeeRole.choices)
    sites = forms.ModelMultipleChoiceField(
        label=_("Points d'accueil"),
        queryset=Site.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "sites").queryset = organisation.sites.order_by("name")


class ContractForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de contrat"), choices=ContractType.choices)
    start_date = forms.DateField(label=_("Début"), widget=DATE_WIDGET)
    end_date = forms.DateField(label=_("Fin (facultatif)"), required=False, widget=DATE_WIDGET)


class TrainingForm(forms.Form):
    start_date = forms.DateField(label=_("Début de la formation"), widget=DATE_WIDGET)
    end_date = forms.DateField(label=_("Fin"), required=False, widget=DATE_WIDGET)
    completed = forms.BooleanField(label=_("Formation achevée"), required=False)


class ExitForm(forms.Form):
    date = forms.DateField(label=_("Date de sortie"), widget=DATE_WIDGET)
    outcome = forms.ChoiceField(
        label=_("Situation à la sortie"),
        choices=[("", _("— choisir —")), *ExitOutcome.choices],
        help_text=_(
            "Emploi durable, emploi de transition et formation qualifiante "
            "sont des sorties positives."
        ),
        error_messages={"required": _("Indiquez la situation du salarié à sa sortie.")},
    )
