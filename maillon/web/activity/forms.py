"""Forms of the desk. They only shape input: the services validate and write."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.activity import bounds, counted, taxonomy
from maillon.activity.inputs import OutreachInput, RequestInput, VisitInput, WorkshopInput
from maillon.activity.models import MAX_STRUCTURE_LENGTH
from maillon.activity.quick import parse_quick, quick_text
from maillon.activity.referrals import referral_of
from maillon.activity.validation import RequestDefaults
from maillon.web.forms import choice_field

REQUEST_ROWS = 3
TRISTATE = [
    ("", gettext_lazy("Non renseigné")),
    ("oui", gettext_lazy("Oui")),
    ("non", gettext_lazy("Non")),
]
REPEAT = "="


def bounded(bound: bounds.Bound, label, **kwargs) -> forms.IntegerField:
    """A number input checked by the domain's bound (the message the API and import give),
    with the bound as the input's `min`/`max` for the browser."""
    return forms.IntegerField(
        label=label,
        required=not bound.optional,
        validators=[bound],
        widget=forms.NumberInput(attrs={"min": bound.low, "max": bound.high}),
        **kwargs,
    )


def _choices(name: str, *, day: datetime.date, blank: str | None = None) -> list[tuple[str, str]]:
    terms = taxonomy.vocabulary(name).valid_on(day)
    choices = [(t.code, t.label) for t in terms]
    return [("", blank), *choices] if blank is not None else choices


def tristate(value: str) -> bool | None:
    return {"oui": True, "non": False}.get(value)


def tristate_initial(value: bool | None) -> str:
    if value is None:
        return ""
    return "oui" if value else "non"


DESK_QUICK_HELP = gettext_lazy(
    "Par demande : début du code du partenaire puis numéro du thème, séparés par des espaces "
    "(« caf2 cpam3 »). « = » répète le passage précédent."
)
EDIT_QUICK_HELP = gettext_lazy(
    "Toutes les demandes du passage, dans la syntaxe du guichet (« caf2/ar cpam3 ») : "
    "l'enregistrement les remplace. Effacez une demande pour la retirer."
)


def _default_choice(label: str | None) -> tuple[str, str]:
    """The blank choice of a detailed row's help or outcome: the policy's default, or none."""
    if label is None:
        return ("", _("— à choisir —"))
    return ("", _("Par défaut : %(label)s") % {"label": label})


class VisitForm(forms.Form):
    """A visit: quick entry of requests, or request rows (r0…r2), its date and time, and the
    anonymous profile. On the edit page (`edit=True`) the quick field holds the visit's
    requests and saving replaces them; a correction (`correction=True`) asks its reason."""

    quick = forms.CharField(
        label=gettext_lazy("Demandes (saisie rapide)"),
        required=False,
        help_text=DESK_QUICK_HELP,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autofocus": True, "spellcheck": "false"}
        ),
    )
    date = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    time = forms.TimeField(
        label=gettext_lazy("Heure"),
        required=False,
        help_text=gettext_lazy("Vide : maintenant. Obligatoire pour un autre jour."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    channel = forms.ChoiceField(label=gettext_lazy("Canal"))
    age_band = forms.ChoiceField(label=gettext_lazy("Tranche d'âge"), required=False)
    qpv_resident = forms.ChoiceField(
        label=gettext_lazy("Habite un QPV"), choices=TRISTATE, required=False
    )
    first_visit = forms.ChoiceField(
        label=gettext_lazy("Première visite"), choices=TRISTATE, required=False
    )
    duration_minutes = bounded(bounds.VISIT_MINUTES, gettext_lazy("Durée (minutes)"))

    def __init__(
        self,
        *args,
        day: datetime.date,
        rows: int = REQUEST_ROWS,
        today: datetime.date | None = None,
        defaults: RequestDefaults | None = None,
        edit: bool = False,
        correction: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.day = day
        self.today = today or day
        self.rows = rows
        self.fields["date"].initial = day
        self.fields["date"].widget.attrs["max"] = self.today.isoformat()
        self.default_labels = _default_labels(defaults or RequestDefaults())
        if edit:
            self.fields["quick"].label = _("Demandes du passage")
            self.fields["time"].help_text = _("L'heure du passage, dans le fuseau du site.")
        quick_help = EDIT_QUICK_HELP if edit else DESK_QUICK_HELP
        self.fields["quick"].help_text = f"{quick_help} {defaults_sentence(*self.default_labels)}"
        if correction:
            self.fields["reason"] = _reason_field()
        choice_field(self, "channel").choices = _choices("channel", day=day)
        self.fields["channel"].initial = "sur-site"
        choice_field(self, "age_band").choices = _choices(
            "age_band", day=day, blank=_("Non renseignée")
        )
        self._add_rows(day)

    def _add_rows(self, day: datetime.date) -> None:
        partners = _choices("partner", day=day, blank=_("Aucun partenaire"))
        themes = _choices("theme", day=day, blank="—")
        help_label, outcome_label = self.default_labels
        helps = [_default_choice(help_label), *_choices("help_kind", day=day)]
        outcomes = [_default_choice(outcome_label), *_choices("outcome", day=day)]
        referral_partners = _choices("partner", day=day, blank="—")
        for i in range(self.rows):
            self.fields[f"r{i}_partner"] = forms.ChoiceField(
                label=_("Partenaire"), choices=partners, required=False
            )
            self.fields[f"r{i}_theme"] = forms.ChoiceField(
                label=_("Thème"), choices=themes, required=False
            )
            self.fields[f"r{i}_help_kind"] = forms.ChoiceField(
                label=_("Aide apportée"), choices=helps, required=False
            )
            self.fields[f"r{i}_outcome"] = forms.ChoiceField(
                label=_("Issue"), choices=outcomes, required=False
            )
            self.fields[f"r{i}_follow_up"] = forms.BooleanField(
                label=_("Suite à donner"), required=False
            )
            self.fields[f"r{i}_referral_partner"] = forms.ChoiceField(
                label=_("Réorienté vers le partenaire"), choices=referral_partners, required=False
            )
            self.fields[f"r{i}_referral_structure"] = forms.CharField(
                label=_("Réorienté vers la structure (jamais le nom d'une personne)"),
                max_length=MAX_STRUCTURE_LENGTH,
                required=False,
            )

    @property
    def is_repeat(self) -> bool:
        """The "same as last" button, or « = » typed in the quick entry."""
        return self.data.get("action") == "repeat" or self.data.get("quick", "").strip() == REPEAT

    def request_rows(self):
        """[(row number, [bound fields])] for the template."""
        names = (
            "partner",
            "theme",
            "help_kind",
            "outcome",
            "follow_up",
            "referral_partner",
            "referral_structure",
        )
        return [(i + 1, [self[f"r{i}_{n}"] for n in names]) for i in range(self.rows)]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        requests: list[RequestInput] = []
        quick = data.get("quick", "").strip()
        if quick and quick != REPEAT:
            requests, errors = parse_quick(quick, day=self.entry_day)
            for error in errors:
                self.add_error("quick", error)
        for i in range(self.rows):
            theme = data.get(f"r{i}_theme")
            if theme:
                requests.append(
                    RequestInput(
                        theme=theme,
                        partner=data.get(f"r{i}_partner") or None,
                        help_kind=data.get(f"r{i}_help_kind") or None,
                        outcome=data.get(f"r{i}_outcome") or None,
                        follow_up=bool(data.get(f"r{i}_follow_up")),
                        referral_partner=data.get(f"r{i}_referral_partner") or None,
                        referral_structure=data.get(f"r{i}_referral_structure", ""),
                    )
                )
            elif any(data.get(f"r{i}_{n}") for n in ("partner", "referral_structure")):
                self.add_error(f"r{i}_theme", _("Choisissez le thème de cette demande."))
        if not requests and not self.is_repeat and not self.errors:
            self.add_error("quick", _("Saisissez au moins une demande."))
        if self.entry_day != self.today and data.get("time") is None:
            self.add_error("time", _("Indiquez l'heure du passage (un autre jour qu'aujourd'hui)."))
        data["requests"] = requests
        return data

    @property
    def entry_day(self) -> datetime.date:
        """The day typed in the date field, or the page's day."""
        cleaned = getattr(self, "cleaned_data", {})
        return cleaned.get("date") or self.day

    def occurred_at(self, zone) -> datetime.datetime | None:
        time = self.cleaned_data.get("time")
        if time is None:
            return None
        return datetime.datetime.combine(self.entry_day, time, tzinfo=zone)

    def visit_input(self, zone) -> VisitInput:
        """The visit as the validator takes it (the same as the API's and the import's)."""
        data = self.cleaned_data
        return VisitInput(
            requests=data["requests"],
            occurred_at=self.occurred_at(zone),
            channel=data["channel"],
            age_band=data.get("age_band") or None,
            qpv_resident=tristate(data.get("qpv_resident", "")),
            first_visit=tristate(data.get("first_visit", "")),
            duration_minutes=data.get("duration_minutes"),
        )

    @classmethod
    def initial_from(cls, visit, zone) -> dict:
        """The edit page's values: the requests the quick syntax can say in the quick field,
        the others (a follow-up, a term without shortcut) in the detailed rows."""
        vocab = taxonomy.vocabularies()
        local = timezone.localtime(visit.occurred_at, zone)
        quick, others = quick_text(visit.requests.all())
        initial = {
            "quick": quick,
            "date": local.date(),
            "time": local.strftime("%H:%M"),
            "channel": vocab["channel"].by_id[visit.channel_id].code,
            "age_band": vocab["age_band"].by_id[visit.age_band_id].code
            if visit.age_band_id
            else "",
            "qpv_resident": tristate_initial(visit.qpv_resident),
            "first_visit": tristate_initial(visit.first_visit),
            "duration_minutes": visit.duration_minutes,
        }
        for i, r in enumerate(others):
            initial[f"r{i}_partner"] = (
                vocab["partner"].by_id[r.partner_id].code if r.partner_id else ""
            )
            initial[f"r{i}_theme"] = vocab["theme"].by_id[r.theme_id].code
            initial[f"r{i}_help_kind"] = (
                "" if r.help_defaulted else vocab["help_kind"].by_id[r.help_kind_id].code
            )
            initial[f"r{i}_outcome"] = (
                "" if r.outcome_defaulted else vocab["outcome"].by_id[r.outcome_id].code
            )
            initial[f"r{i}_follow_up"] = r.follow_up
            if (target := referral_of(r)) is not None:
                initial[f"r{i}_referral_partner"] = (
                    vocab["partner"].by_id[target.partner_id].code if target.partner_id else ""
                )
                initial[f"r{i}_referral_structure"] = target.structure
        return initial


def defaults_sentence(help_label: str | None, outcome_label: str | None) -> str:
    """What a request typed without « /… » gets, said before saving (or that it must be typed)."""
    if help_label and outcome_label:
        return _(
            "Sans « / » après le thème : aide « %(help)s » et issue « %(outcome)s » par défaut."
        ) % {"help": help_label, "outcome": outcome_label}
    if help_label:
        return _(
            "Sans « / » après le thème : aide « %(help)s » par défaut ; l'issue est à saisir "
            "(2e lettre, ex. « caf2/ir »)."
        ) % {"help": help_label}
    if outcome_label:
        return _(
            "Sans « / » après le thème : issue « %(outcome)s » par défaut ; l'aide est à saisir "
            "(« caf2/a »)."
        ) % {"outcome": outcome_label}
    return _("L'aide et l'issue sont à saisir après le thème (ex. « caf2/ar »).")


def _default_labels(defaults: RequestDefaults) -> tuple[str | None, str | None]:
    """The labels of the policy's default help and outcome (None: no default, required)."""
    vocab = taxonomy.vocabularies()
    help_kind = vocab["help_kind"].by_id.get(defaults.help_kind_id or 0)
    outcome = vocab["outcome"].by_id.get(defaults.outcome_id or 0)
    return (help_kind.label if help_kind else None, outcome.label if outcome else None)


class DeleteForm(forms.Form):
    """The confirmation of a deletion; a manager's (a correction) gives its reason."""

    def __init__(self, *args, correction: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if correction:
            self.fields["reason"] = _reason_field()


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("Motif de la correction"),
        max_length=300,
        help_text=_("Obligatoire : il est inscrit au journal avec la correction."),
    )


class CountedForm(forms.Form):
    """The form of an outreach act or a workshop: its `kind` of the shared create path."""

    kind: counted.Kind

    def to_input(self) -> OutreachInput | WorkshopInput:
        data = self.cleaned_data
        return self.kind.input(**{k: v or None if k == "partner" else v for k, v in data.items()})


class OutreachForm(CountedForm):
    kind = counted.OUTREACH
    day = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.ChoiceField(label=gettext_lazy("Lieu"))
    partner = forms.ChoiceField(label=gettext_lazy("Partenaire"), required=False)
    people_reached = bounded(bounds.PEOPLE_REACHED, gettext_lazy("Personnes touchées"), initial=1)

    def __init__(self, *args, day: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = day
        choice_field(self, "place").choices = _choices("place", day=day)
        choice_field(self, "partner").choices = _choices(
            "partner", day=day, blank=_("Aucun partenaire")
        )


class WorkshopForm(CountedForm):
    kind = counted.WORKSHOP
    day = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    theme = forms.ChoiceField(label=gettext_lazy("Thème"))
    title = forms.CharField(label=gettext_lazy("Intitulé"), max_length=bounds.MAX_TITLE_LENGTH)
    participants = bounded(bounds.PARTICIPANTS, gettext_lazy("Participants"))
    duration_minutes = bounded(bounds.WORKSHOP_MINUTES, gettext_lazy("Durée (minutes)"))

    def __init__(self, *args, day: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = day
        choice_field(self, "theme").choices = _choices("theme", day=day)
