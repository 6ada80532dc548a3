"""Forms of the desk. They only shape input: the services validate and write."""

import datetime
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.activity import bounds, counted, taxonomy
from maillon.activity.inputs import OutreachInput, RequestInput, VisitInput, WorkshopInput
from maillon.web.forms import choice_field

REQUEST_ROWS = 3
TRISTATE = [
    ("", gettext_lazy("Non renseigné")),
    ("oui", gettext_lazy("Oui")),
    ("non", gettext_lazy("Non")),
]
QUICK_TOKEN = re.compile(
    r"^(?P<partner>[a-zà-ÿ][a-zà-ÿ'-]*?)?(?P<theme>\d{1,2})(?:/(?P<help>[a-z])?(?P<outcome>[a-z])?)?$"
)
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


def _by_shortcut(name: str, shortcut: str, day: datetime.date):
    for term in taxonomy.vocabulary(name).valid_on(day):
        if term.shortcut == shortcut:
            return term
    return None


def partner_from_prefix(prefix: str, day: datetime.date) -> tuple[str | None, str | None]:
    """(code, error): the partner whose code is `prefix` or the only one starting with it."""
    partners = taxonomy.vocabulary("partner").valid_on(day)
    exact = [p for p in partners if p.code == prefix]
    if exact:
        return exact[0].code, None
    matches = [p for p in partners if p.code.startswith(prefix)]
    if len(matches) == 1:
        return matches[0].code, None
    if not matches:
        return None, _("aucun partenaire ne commence par « %(p)s »") % {"p": prefix}
    return None, _("« %(p)s » est ambigu (%(codes)s)") % {
        "p": prefix,
        "codes": ", ".join(p.code for p in matches),
    }


def parse_quick(text: str, *, day: datetime.date) -> tuple[list[RequestInput], list[str]]:
    """Parse the quick entry: `caf2 cpam3/ar` → CAF × theme 2, CPAM × theme 3 (help « a »,
    outcome « r »). A token without letters (`13`) has no partner."""
    requests, errors = [], []
    for token in re.split(r"[\s,;]+", text.strip().lower()):
        if not token:
            continue
        match = QUICK_TOKEN.match(token)
        if match is None:
            errors.append(_("« %(t)s » n'est pas une demande (ex. « caf2 »)") % {"t": token})
            continue
        partner = None
        if match["partner"]:
            partner, error = partner_from_prefix(match["partner"], day)
            if error:
                errors.append(error)
                continue
        theme = _by_shortcut("theme", match["theme"], day)
        if theme is None:
            errors.append(_("pas de thème numéro %(n)s") % {"n": match["theme"]})
            continue
        help_kind = _by_shortcut("help_kind", match["help"], day) if match["help"] else None
        outcome = _by_shortcut("outcome", match["outcome"], day) if match["outcome"] else None
        if match["help"] and help_kind is None:
            errors.append(_("pas d'aide de raccourci « %(s)s »") % {"s": match["help"]})
            continue
        if match["outcome"] and outcome is None:
            errors.append(_("pas d'issue de raccourci « %(s)s »") % {"s": match["outcome"]})
            continue
        requests.append(
            RequestInput(
                theme=theme.code,
                partner=partner,
                help_kind=help_kind.code if help_kind else "information",
                outcome=outcome.code if outcome else "resolu",
            )
        )
    return requests, errors


class VisitForm(forms.Form):
    """A visit: quick entry of requests, or request rows (r0…r2), and the anonymous profile."""

    quick = forms.CharField(
        label=gettext_lazy("Demandes (saisie rapide)"),
        required=False,
        help_text=gettext_lazy(
            "Par demande : début du code du partenaire puis numéro du thème, séparés par des "
            "espaces (« caf2 cpam3 »). « = » répète le passage précédent."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autofocus": True, "spellcheck": "false"}
        ),
    )
    time = forms.TimeField(
        label=gettext_lazy("Heure"),
        required=False,
        help_text=gettext_lazy("Vide : maintenant."),
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

    def __init__(self, *args, day: datetime.date, rows: int = REQUEST_ROWS, **kwargs):
        super().__init__(*args, **kwargs)
        self.day = day
        self.rows = rows
        choice_field(self, "channel").choices = _choices("channel", day=day)
        self.fields["channel"].initial = "sur-site"
        choice_field(self, "age_band").choices = _choices(
            "age_band", day=day, blank=_("Non renseignée")
        )
        partners = _choices("partner", day=day, blank=_("Aucun partenaire"))
        themes = _choices("theme", day=day, blank="—")
        helps = _choices("help_kind", day=day)
        outcomes = _choices("outcome", day=day)
        for i in range(rows):
            self.fields[f"r{i}_partner"] = forms.ChoiceField(
                label=_("Partenaire"), choices=partners, required=False
            )
            self.fields[f"r{i}_theme"] = forms.ChoiceField(
                label=_("Thème"), choices=themes, required=False
            )
            self.fields[f"r{i}_help_kind"] = forms.ChoiceField(
                label=_("Aide apportée"), choices=helps, required=False, initial="information"
            )
            self.fields[f"r{i}_outcome"] = forms.ChoiceField(
                label=_("Issue"), choices=outcomes, required=False, initial="resolu"
            )
            self.fields[f"r{i}_follow_up"] = forms.BooleanField(
                label=_("Suite à donner"), required=False
            )

    @property
    def is_repeat(self) -> bool:
        """The "same as last" button, or « = » typed in the quick entry."""
        return self.data.get("action") == "repeat" or self.data.get("quick", "").strip() == REPEAT

    def request_rows(self):
        """[(row number, [bound fields])] for the template."""
        names = ("partner", "theme", "help_kind", "outcome", "follow_up")
        return [(i + 1, [self[f"r{i}_{n}"] for n in names]) for i in range(self.rows)]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        requests: list[RequestInput] = []
        quick = data.get("quick", "").strip()
        if quick and quick != REPEAT:
            requests, errors = parse_quick(quick, day=self.day)
            for error in errors:
                self.add_error("quick", error)
        for i in range(self.rows):
            theme = data.get(f"r{i}_theme")
            if theme:
                requests.append(
                    RequestInput(
                        theme=theme,
                        partner=data.get(f"r{i}_partner") or None,
                        help_kind=data.get(f"r{i}_help_kind") or "information",
                        outcome=data.get(f"r{i}_outcome") or "resolu",
                        follow_up=bool(data.get(f"r{i}_follow_up")),
                    )
                )
            elif data.get(f"r{i}_partner"):
                self.add_error(f"r{i}_theme", _("Choisissez le thème de cette demande."))
        if not requests and not self.is_repeat and not self.errors:
            self.add_error("quick", _("Saisissez au moins une demande."))
        data["requests"] = requests
        return data

    def occurred_at(self, zone) -> datetime.datetime | None:
        time = self.cleaned_data.get("time")
        if time is None:
            return None
        return datetime.datetime.combine(self.day, time, tzinfo=zone)

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
        vocab = taxonomy.vocabularies()
        initial = {
            "time": timezone.localtime(visit.occurred_at, zone).strftime("%H:%M"),
            "channel": vocab["channel"].by_id[visit.channel_id].code,
            "age_band": vocab["age_band"].by_id[visit.age_band_id].code
            if visit.age_band_id
            else "",
            "qpv_resident": tristate_initial(visit.qpv_resident),
            "first_visit": tristate_initial(visit.first_visit),
            "duration_minutes": visit.duration_minutes,
        }
        for i, r in enumerate(visit.requests.all()):
            initial[f"r{i}_partner"] = (
                vocab["partner"].by_id[r.partner_id].code if r.partner_id else ""
            )
            initial[f"r{i}_theme"] = vocab["theme"].by_id[r.theme_id].code
            initial[f"r{i}_help_kind"] = vocab["help_kind"].by_id[r.help_kind_id].code
            initial[f"r{i}_outcome"] = vocab["outcome"].by_id[r.outcome_id].code
            initial[f"r{i}_follow_up"] = r.follow_up
        return initial


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
