"""The forms of the case pages: opening a case, a message, a note, the answer, the closing,
the re-route. The services check everything again; these give labels, help and widgets."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from maillon.cases.attachments import check_upload
from maillon.cases.enums import CaseAnswer, ConsentKind, Usefulness
from maillon.cases.models import SUBJECT_MAX_LENGTH
from maillon.cases.services import MESSAGE_MAX_LENGTH
from maillon.cases.validators import CLEANERS, FILE_NUMBER_MAX_LENGTH
from maillon.network.models import Partner

ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


def _file_help() -> str:
    limit = settings.CASE_ATTACHMENT_MAX_BYTES / 1024 / 1024
    return str(_("PDF, JPEG ou PNG, %(max)s Mo au plus par fichier.")) % {"max": f"{limit:g}"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the services check each one's content and size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class FilesForm(forms.Form):
    """A form with attachments, each checked by content and size (the services check again)."""

    attachments = MultipleFileField(label=_("Pièces jointes"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"] = self.fields.pop("attachments")  # last, after the text
        self.fields["attachments"].help_text = _file_help()

    def clean(self) -> dict:
        super().clean()
        for upload in self.cleaned_data.get("attachments") or []:
            try:
                check_upload(upload)
            except ValidationError as error:
                self.add_error("attachments", error.message_dict["file"])
        return self.cleaned_data


def _optional(label, max_length: int, rule=None) -> forms.CharField:
    """An optional identifier: its label, and its rule in the help text."""
    help_text = _("Facultatif.") if rule is None else format_lazy("{} {}", _("Facultatif,"), rule)
    return forms.CharField(label=label, required=False, max_length=max_length, help_text=help_text)


class CaseOpenForm(FilesForm):
    partner = forms.ModelChoiceField(
        label=_("Partenaire"), queryset=Partner.objects.order_by("name"), empty_label=None
    )
    subject = forms.CharField(
        label=_("Objet"), max_length=SUBJECT_MAX_LENGTH, help_text=_("Une ligne, sans nom.")
    )
    description = forms.CharField(
        label=_("Description de la situation"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        help_text=_("Ce que le partenaire doit savoir pour débloquer la situation."),
    )
    allocataire_number = _optional(_("Numéro d'allocataire (CAF)"), 20, _("7 chiffres."))
    tax_number = _optional(_("Numéro fiscal"), 20, _("13 chiffres."))
    nir = _optional(_("Numéro de sécurité sociale (NIR)"), 25, _("15 caractères avec la clé."))
    file_number = _optional(_("Numéro de dossier chez le partenaire"), FILE_NUMBER_MAX_LENGTH)
    consent_kind = forms.ChoiceField(
        label=_("Consentement de la personne"),
        choices=ConsentKind.choices,
        widget=forms.RadioSelect,
    )
    consent_on = forms.DateField(
        label=_("Consentement recueilli le"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        """Every identifier and file checked here too, so that all errors show at once."""
        data = super().clean()
        for name, cleaner in CLEANERS.items():
            if data.get(name):
                try:
                    data[name] = cleaner(data[name])
                except ValidationError as error:
                    self.add_error(name, error)
        return data


class MessageForm(FilesForm):
    body = forms.CharField(
        label=_("Votre message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MESSAGE_MAX_LENGTH,
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note interne (lue par les seuls référents)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MESSAGE_MAX_LENGTH,
    )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Réponse"), choices=CaseAnswer.choices, widget=forms.RadioSelect
    )
    body = forms.CharField(
        label=_("Message à l'agent (facultatif)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
    )


class CloseForm(forms.Form):
    useful = forms.ChoiceField(
        label=_("Utile pour l'usager ?"), choices=Usefulness.choices, widget=forms.RadioSelect
    )


class RerouteForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Nouveau partenaire"), queryset=Partner.objects.order_by("name")
    )
