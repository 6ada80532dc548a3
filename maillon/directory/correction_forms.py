from django import forms
from django.utils.translation import gettext_lazy as _

from maillon.directory.corrections import MESSAGE_MAX
from maillon.directory.enums import ErrorTopic


class ErrorReportForm(forms.Form):
    """« Signaler une erreur »: what is wrong, in a few words, and an optional address."""

    topic = forms.ChoiceField(
        label=_("Qu'est-ce qui est erroné ?"), choices=ErrorTopic.choices, widget=forms.RadioSelect
    )
    message = forms.CharField(
        label=_("Décrivez l'erreur"),
        help_text=_("Par exemple : « fermé le mercredi après-midi depuis septembre »."),
        min_length=5,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    email = forms.EmailField(
        label=_("Votre courriel (facultatif)"),
        help_text=_("Seulement si vous souhaitez une réponse."),
        required=False,
    )
    # left empty by people, filled by robots: such a report is thanked and dropped
    website = forms.CharField(
        required=False,
        label=_("Ne pas remplir ce champ"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
