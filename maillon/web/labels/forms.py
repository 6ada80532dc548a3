from django import forms
from django.utils.translation import gettext_lazy as _

from maillon.labels.publications import FORMATS
from maillon.web.forms import choice_field


class PublicationForm(forms.Form):
    network = forms.ChoiceField(label=_("Réseau"))
    on = forms.DateField(
        label=_("Liste des points d'accueil labellisés au"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    new_since = forms.DateField(
        label=_("Marquer d'un astérisque les nouveaux depuis le"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=[(f, f.upper()) for f in FORMATS], required=False
    )

    def __init__(self, *args, networks=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "network").choices = [(n.slug, n.name) for n in networks]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        on, since = data.get("on"), data.get("new_since")
        if on and since and since > on:
            self.add_error(
                "new_since", _("La date des nouveautés doit précéder la date de la liste.")
            )
        return data


class CoverageForm(forms.Form):
    on = forms.DateField(label=_("Couverture au"), widget=forms.DateInput(attrs={"type": "date"}))
