from django import forms
from django.utils.translation import gettext_lazy as _

from maillon.labels.enums import (
    ApplicationKind,
    AuditOutcome,
    CommitteeVerdict,
    DecisionOutcome,
    PipelineState,
)
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
    since = forms.DateField(
        label=_("Comparer avec la situation au"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        super().clean()
        on, since = self.cleaned_data.get("on"), self.cleaned_data.get("since")
        if on and since and since > on:
            self.add_error(
                "since", _("La date de comparaison doit précéder la date de la couverture.")
            )
        return self.cleaned_data


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PipelineForm(forms.Form):
    """The pipeline's filters (GET); an empty or invalid filter is ignored."""

    on = forms.DateField(label=_("Situation au"), required=False, widget=DATE)
    region = forms.ChoiceField(label=_("Région"), required=False)
    departement = forms.ChoiceField(label=_("Département"), required=False)
    etat = forms.ChoiceField(label=_("État"), required=False)
    vague = forms.ChoiceField(label=_("Vague de labellisation"), required=False)

    def __init__(self, *args, regions=(), departments=(), waves=(), **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("Toutes"))]
        choice_field(self, "region").choices = every + [(r.code, r.name) for r in regions]
        choice_field(self, "departement").choices = [("", _("Tous"))] + [
            (d.code, f"{d.name} ({d.code})") for d in departments
        ]
        choice_field(self, "etat").choices = [("", _("Tous"))] + list(PipelineState.choices)
        choice_field(self, "vague").choices = every + [(str(w.pk), str(w)) for w in waves]


class ApplicationFileForm(forms.Form):
    filed_on = forms.DateField(label=_("Déposée le"), widget=DATE)
    kind = forms.ChoiceField(label=_("Nature"), choices=ApplicationKind.choices)
    source = forms.CharField(label=_("Référence du dossier (facultatif)"), required=False)


class AuditPlanForm(forms.Form):
    planned_on = forms.DateField(label=_("Audit prévu le"), widget=DATE)


class AuditRecordForm(forms.Form):
    date = forms.DateField(label=_("Date de l'audit"), widget=DATE)
    auditor = forms.CharField(label=_("Auditeur"), max_length=200)
    outcome = forms.ChoiceField(label=_("Résultat"), choices=AuditOutcome.choices)
    conclusion = forms.CharField(
        label=_("Remarques"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class WithdrawForm(forms.Form):
    effective_date = forms.DateField(label=_("Retrait à compter du"), widget=DATE)
    reason = forms.CharField(label=_("Motif du retrait"), widget=forms.Textarea(attrs={"rows": 2}))


class CorrectionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Décision à corriger"))
    outcome = forms.ChoiceField(label=_("Décision correcte"), choices=DecisionOutcome.choices)
    effective_date = forms.DateField(label=_("Date d'effet correcte"), widget=DATE)
    reason = forms.CharField(
        label=_("Motif de la correction"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "decision").choices = [(str(d.pk), str(d)) for d in decisions]


class CommitteeForm(forms.Form):
    """A committee session: its date, the wave date, and a verdict per audited application
    (fields `verdict_<application id>`)."""

    date = forms.DateField(label=_("Date du comité"), widget=DATE)
    effective_date = forms.DateField(
        label=_("Date de la vague (effet des labels)"), required=False, widget=DATE
    )
    name = forms.CharField(label=_("Intitulé (facultatif)"), required=False, max_length=200)
    source = forms.CharField(label=_("Source (compte rendu)"), required=False, max_length=300)

    def __init__(self, *args, applications=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.applications = list(applications)
        choices = [("", _("non examinée")), *CommitteeVerdict.choices]
        for application in self.applications:
            self.fields[f"verdict_{application.pk}"] = forms.ChoiceField(
                label=str(application.site), choices=choices, required=False
            )

    def verdict_fields(self):
        return [
            (application, self[f"verdict_{application.pk}"]) for application in self.applications
        ]

    def verdicts(self) -> dict:
        return {
            application: self.cleaned_data[f"verdict_{application.pk}"]
            for application in self.applications
            if self.cleaned_data.get(f"verdict_{application.pk}")
        }


class SettingsForm(forms.Form):
    renewal_months = forms.IntegerField(
        label=_("Durée du label avant son renouvellement (mois)"), min_value=1, max_value=240
    )
    warning_days = forms.IntegerField(
        label=_("Alerter avant l'échéance (jours)"), min_value=0, max_value=730
    )


class WaveForm(forms.Form):
    name = forms.CharField(label=_("Intitulé du comité"), max_length=200)
    date = forms.DateField(label=_("Date du comité"), widget=DATE)
    effective_date = forms.DateField(
        label=_("Date d'effet des labels"), required=False, widget=DATE
    )


class CertificationForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Structure"))
    standard = forms.ChoiceField(
        label=_("Certification"),
        choices=[
            ("XP X60-600", _("AFNOR médiation sociale (norme XP X60-600)")),
            ("MSAP", _("Reconnaissance Maison de services au public (MSAP)")),
        ],
    )
    certifier = forms.CharField(label=_("Organisme certificateur"), max_length=200)
    granted_on = forms.DateField(label=_("Obtenue le"), widget=DATE)
    valid_until = forms.DateField(label=_("Valable jusqu'au"), required=False, widget=DATE)
    source = forms.CharField(label=_("Source (certificat, courrier)"), max_length=300)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "organisation").choices = [(str(o.pk), o.name) for o in organisations]


class PressKitForm(forms.Form):
    on = forms.DateField(label=_("Liste des points d'accueil labellisés au"), widget=DATE)
    new_since = forms.DateField(label=_("Nouveaux depuis le"), required=False, widget=DATE)
    year = forms.IntegerField(label=_("Chiffres clés de l'année"), min_value=2000, max_value=2100)
