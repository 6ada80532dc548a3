"""Back-office forms. They read and check input shape only; rules live in services."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillon.accounts.models import User
from maillon.geo.models import Commune
from maillon.geo.selectors import communes_for_postal_code
from maillon.network import hours, recurrence
from maillon.network.enums import PartnerKind
from maillon.network.hours_editor import EditorHours, Exception_, PublicHolidays
from maillon.network.models import Agreement, Organisation, Partner, Site
from maillon.network.services import SITE_FIELDS
from maillon.web.forms import choice_field, model_choice_field

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: at the field it names, else form-wide."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def https_urls(field, **kwargs):
    """ModelForm field factory: a web address typed without scheme is https://."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class CommuneFromPostalCodeMixin(forms.BaseForm):
    """A postal code field and a commune select limited to the communes it serves.

    The choices follow the postal code typed (bound data), else the current commune. With
    JavaScript the select is refreshed by htmx as the postal code is typed; without it, the
    "Chercher les communes" button re-displays the form."""

    postal_code_field = "postal_code"

    def _setup_commune(self, current: Commune | None) -> None:
        postal_code = (
            (self.data.get(self.add_prefix(self.postal_code_field)) or "").strip()
            if self.is_bound
            else ""
        )
        if not postal_code:
            postal_code = self.initial.get(self.postal_code_field) or ""
        communes = communes_for_postal_code(postal_code=postal_code) if postal_code else []
        pks = [c.pk for c in communes] or ([current.pk] if current else [])
        field = model_choice_field(self, "commune")
        field.queryset = Commune.objects.filter(pk__in=pks).order_by("name")
        field.empty_label = _("— choisir la commune —")
        field.error_messages["invalid_choice"] = _(
            "Cette commune ne correspond pas au code postal saisi."
        )
        self.fields[self.postal_code_field].widget.attrs.update(
            {
                "hx-get": reverse("network:communes"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#" + self["commune"].auto_id,
                "hx-swap": "innerHTML",
                "inputmode": "numeric",
                "autocomplete": "postal-code",
            }
        )

    def clean_postal_code(self):
        value = (self.cleaned_data.get(self.postal_code_field) or "").strip()
        if value and (len(value) != 5 or not value.isdigit()):
            raise forms.ValidationError(_("Un code postal compte 5 chiffres."))
        if value and not communes_for_postal_code(postal_code=value):
            raise forms.ValidationError(_("Aucune commune ne correspond à ce code postal."))
        return value


class OrganisationForm(CommuneFromPostalCodeMixin, forms.ModelForm):
    siret = forms.CharField(
        label=_("SIRET"),
        max_length=20,
        required=False,
        help_text=_("14 chiffres ; les espaces sont ignorés."),
    )
    postal_code = forms.CharField(label=_("Code postal"), max_length=5, required=False)

    class Meta:
        model = Organisation
        formfield_callback = https_urls
        fields = [
            "name",
            "siret",
            "kind",
            "address",
            "postal_code",
            "commune",
            "website",
            "email",
            "phone",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.commune_id and not self.is_bound:
            code = self.instance.commune.postal_codes.values_list("code", flat=True).first()
            self.initial.setdefault("postal_code", code or "")
        self._setup_commune(self.instance.commune if self.instance.commune_id else None)

    def clean_siret(self):
        return "".join((self.cleaned_data.get("siret") or "").split())


class SiteForm(CommuneFromPostalCodeMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Site
        formfield_callback = https_urls
        fields = list(SITE_FIELDS)  # what site_update may change
        widgets = {"public_note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", self.instance.version)
        self._setup_commune(self.instance.commune if self.instance.commune_id else None)
        self.fields["latitude"].help_text = _(
            "Laissez vide pour prendre le centre de la commune ; "
            "ajustez pour placer le point sur la carte."
        )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        moved = "commune" in self.changed_data
        adjusted = {"latitude", "longitude"} & set(self.changed_data)
        if moved and not adjusted:
            data["latitude"] = data["longitude"] = None  # the service takes the commune's
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error(
                "longitude", _("Indiquez la latitude et la longitude, ou aucune des deux.")
            )
        return data


def _range_text(ranges: tuple[hours.TimeRange, ...]) -> str:
    return ", ".join(r.osm() for r in ranges)


class HoursEditorForm(forms.Form):
    """A usual week (one field per day, several ranges), public holidays, dated exceptions."""

    DAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
    EXCEPTION_ROWS = 6

    version = forms.IntegerField(widget=forms.HiddenInput)
    public_holidays = forms.ChoiceField(
        label=_("Jours fériés"),
        choices=[
            (PublicHolidays.CLOSED, _("fermé les jours fériés")),
            (PublicHolidays.AS_USUAL, _("ouvert comme un jour ordinaire")),
            (PublicHolidays.HOURS, _("horaires particuliers")),
        ],
        widget=forms.RadioSelect,
    )
    holiday_hours = forms.CharField(
        label=_("Horaires des jours fériés"), required=False, max_length=100
    )

    def __init__(self, *args, exception_rows: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        names = hours.day_names()
        for index, code in enumerate(self.DAYS):
            self.fields[code] = forms.CharField(
                label=names[index].capitalize(),
                required=False,
                max_length=100,
                help_text=_("Par exemple « 9h-12h, 13h30-17h ». Vide : fermé."),
                widget=forms.TextInput(attrs={"autocomplete": "off", "class": "hours-day"}),
            )
        rows = exception_rows if exception_rows is not None else self._rows_needed()
        for i in range(rows):
            self.fields[f"exc{i}_start"] = forms.DateField(
                label=_("Du"), required=False, widget=DATE_WIDGET
            )
            self.fields[f"exc{i}_end"] = forms.DateField(
                label=_("au (facultatif)"), required=False, widget=DATE_WIDGET
            )
            self.fields[f"exc{i}_hours"] = forms.CharField(
                label=_("Horaires (vide : fermé)"), required=False, max_length=100
            )
            self.fields[f"exc{i}_label"] = forms.CharField(
                label=_("Motif affiché"), required=False, max_length=80
            )
        self.exception_rows = rows
        self.order_fields(["version", *self.DAYS, "public_holidays", "holiday_hours"])

    def _rows_needed(self) -> int:
        source = self.data if self.is_bound else self.initial
        used = [k for k in source if k.startswith("exc") and k.endswith("_start") and source.get(k)]
        return max(len(used) + 2, 3)

    @classmethod
    def initial_from(cls, editor: EditorHours, version: int) -> dict:
        initial: dict = {"version": version, "public_holidays": editor.public_holidays}
        for code, ranges in zip(cls.DAYS, editor.week, strict=True):
            initial[code] = _range_text(ranges)
        initial["holiday_hours"] = _range_text(editor.holiday_ranges)
        for i, exc in enumerate(editor.exceptions):
            initial.update(
                {
                    f"exc{i}_start": exc.start,
                    f"exc{i}_end": exc.end,
                    f"exc{i}_hours": _range_text(exc.ranges),
                    f"exc{i}_label": exc.label,
                }
            )
        return initial

    def exception_fields(self):
        return [
            [self[f"exc{i}_{part}"] for part in ("start", "end", "hours", "label")]
            for i in range(self.exception_rows)
        ]

    def day_fields(self):
        return [self[code] for code in self.DAYS]

    def _ranges(self, name: str) -> tuple[hours.TimeRange, ...]:
        try:
            return hours.parse_day_text(self.cleaned_data.get(name) or "")
        except hours.HoursError as exc:
            self.add_error(name, str(exc))
            return ()

    def clean(self):
        super().clean()
        data = self.cleaned_data
        week = [self._ranges(code) for code in self.DAYS]
        holiday_ranges = self._ranges("holiday_hours")
        if (
            data.get("public_holidays") == PublicHolidays.HOURS
            and not holiday_ranges
            and not self.has_error("holiday_hours")
        ):
            self.add_error("holiday_hours", _("Indiquez les horaires des jours fériés."))
        exceptions = []
        for i in range(self.exception_rows):
            start, end = data.get(f"exc{i}_start"), data.get(f"exc{i}_end")
            text, label = data.get(f"exc{i}_hours") or "", data.get(f"exc{i}_label") or ""
            if not start:
                if end or text or label:
                    self.add_error(
                        f"exc{i}_start", _("Indiquez la date de début de cette exception.")
                    )
                continue
            if end and end < start:
                self.add_error(f"exc{i}_end", _("La date de fin doit suivre la date de début."))
                continue
            try:
                exceptions.append(
                    Exception_(
                        start=start, end=end, ranges=self._ranges(f"exc{i}_hours"), label=label
                    )
                )
            except hours.HoursError as exc:
                self.add_error(f"exc{i}_start", str(exc))
        self.editor = EditorHours(
            week=week,
            public_holidays=data.get("public_holidays") or PublicHolidays.CLOSED,
            holiday_ranges=holiday_ranges,
            exceptions=exceptions,
        )
        if not self.errors:
            self.expression = self.editor.osm()
            try:
                hours.parse(self.expression)
            except hours.HoursError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return data


class StopForm(CommuneFromPostalCodeMixin, forms.Form):
    postal_code = forms.CharField(label=_("Code postal"), max_length=5)
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none())
    place = forms.CharField(
        label=_("Lieu"), max_length=300, help_text=_("Par exemple « place de la mairie ».")
    )
    days = forms.MultipleChoiceField(
        label=_("Jours"), widget=forms.CheckboxSelectMultiple, choices=[]
    )
    weeks = forms.MultipleChoiceField(
        label=_("Semaines du mois"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("1", _("1re")),
            ("2", _("2e")),
            ("3", _("3e")),
            ("4", _("4e")),
            ("5", _("5e")),
            ("-1", _("dernière")),
        ],
        help_text=_(
            "Aucune case : chaque semaine. « 2e » et « 4e » avec lundi : "
            "les 2e et 4e lundis du mois."
        ),
    )
    hours_text = forms.CharField(
        label=_("Horaires"), max_length=100, help_text=_("Par exemple « 9h-12h ».")
    )

    def __init__(self, *args, current: Commune | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        names = hours.day_names()
        choice_field(self, "days").choices = [(str(i), names[i].capitalize()) for i in range(7)]
        self._setup_commune(current)

    @classmethod
    def initial_from(cls, stop) -> dict:
        initial = {"commune": stop.commune_id, "place": stop.place}
        code = stop.commune.postal_codes.values_list("code", flat=True).first()
        initial["postal_code"] = code or ""
        rec = recurrence.recurrence_parse(stop.schedule)
        if rec:
            initial.update(
                days=[str(d) for d in rec.days],
                weeks=list(rec.weeks),
                hours_text=_range_text(rec.ranges),
            )
        return initial

    def clean(self):
        super().clean()
        data = self.cleaned_data
        try:
            ranges = hours.parse_day_text(data.get("hours_text") or "")
        except hours.HoursError as exc:
            self.add_error("hours_text", str(exc))
            return data
        if data.get("days") and ranges:
            rec = recurrence.Recurrence(
                days=tuple(sorted(int(d) for d in data["days"])),
                weeks=tuple(w for w in recurrence.WEEKS if w in data.get("weeks", [])),
                ranges=ranges,
            )
            data["schedule"] = rec.osm()
        elif not self.has_error("hours_text") and "hours_text" in data:
            self.add_error("hours_text", _("Indiquez au moins une plage horaire."))
        return data


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        formfield_callback = https_urls
        fields = [
            *("name", "short_name", "code", "kind", "valid_from", "valid_until", "website"),
            "owner",
        ]
        widgets = {"valid_from": DATE_WIDGET, "valid_until": DATE_WIDGET}

    def __init__(self, *args, user: User, **kwargs):
        from maillon.access.rules import networks_administered_by

        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = PartnerKind.choices
        owner = model_choice_field(self, "owner")
        owner.queryset = networks_administered_by(user).order_by("name")
        if not user.is_superuser:  # only a superuser makes or keeps a partner shared
            owner.required = True
            owner.empty_label = None
        else:
            owner.empty_label = _("aucun : partagé par tous les réseaux")

    def clean(self):
        super().clean()
        data = self.cleaned_data
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("La fin de validité doit suivre son début."))
        return data


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["partner", "start_date", "end_date", "scope"]
        widgets = {"start_date": DATE_WIDGET, "end_date": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "partner").queryset = Partner.objects.order_by("kind", "name")
        self.fields["scope"].help_text = _(
            "Services couverts, par exemple « accompagnement aux démarches CAF »."
        )

    def _post_clean(self):
        # Validation of dates against the partner is the service's job (agreement_save).
        pass


def today() -> datetime.date:
    return datetime.date.today()  # noqa: DTZ011 - a calendar day in the server's zone
