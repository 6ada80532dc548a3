from django import forms
from django.utils.translation import gettext_lazy as _


class HandleReportForm(forms.Form):
    note = forms.CharField(
        label=_("Ce qui a été fait"),
        help_text=_(
            "Par exemple : « horaires corrigés » ou « information exacte, rien à changer »."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
