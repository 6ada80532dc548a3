from django import forms
from django.utils.translation import gettext_lazy as _

from maillon.journal.enums import JournalAction
from maillon.web.forms import choice_field


class JournalFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Toutes"))] + JournalAction.choices
    )
    kind = forms.TypedChoiceField(
        label=_("Type d'objet"), required=False, coerce=int, empty_value=None, choices=[]
    )
    actor = forms.CharField(label=_("Auteur"), required=False, max_length=100)
    organisation = forms.TypedChoiceField(
        label=_("Structure"), required=False, coerce=int, empty_value=None, choices=[]
    )
    since = forms.DateField(
        label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    text = forms.CharField(label=_("Objet"), required=False, max_length=100)

    def __init__(self, *args, kinds=(), organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = [("", _("Tous"))] + [
            (str(ct.pk), str(ct.model_class()._meta.verbose_name).capitalize())
            for ct in kinds
            if ct.model_class() is not None
        ]
        choice_field(self, "organisation").choices = [("", _("Toutes"))] + [
            (o.pk, o.name) for o in organisations
        ]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("La date de fin doit suivre la date de début."))
        return data
