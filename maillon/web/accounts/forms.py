from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from maillon.accounts.enums import TokenScope
from maillon.accounts.services import TOKEN_DAYS_DEFAULT, TOKEN_DAYS_MAX
from maillon.network.models import Organisation, Site
from maillon.web.forms import choice_field, model_choice_field


class LoginForm(AuthenticationForm):
    """Django's login form with a French message; failures are throttled by django-axes
    (`web.accounts.throttle`)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Identifiant ou mot de passe incorrect."),
    }


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Courriel de la personne invitée"))
    role = forms.ChoiceField(label=_("Rôle"), choices=[])
    site = forms.ModelChoiceField(
        label=_("Point d'accueil"),
        queryset=Site.objects.none(),  # the organisation's sites, set by __init__
        required=False,
        empty_label=_("toute la structure"),
        help_text=_(
            "Un médiateur ou agent est rattaché à un point d'accueil (ou à toute la structure)."
        ),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        from maillon.accounts.enums import Role

        super().__init__(*args, **kwargs)
        choice_field(self, "role").choices = [
            (Role.AGENT, Role.AGENT.label),
            (Role.ORGANISATION_MANAGER, Role.ORGANISATION_MANAGER.label),
        ]
        model_choice_field(self, "site").queryset = organisation.sites.order_by("name")


class InvitationSignupForm(forms.Form):
    # autocomplete: the browser fills what it knows of the person (RGAA 11.13)
    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    username = forms.CharField(
        label=_("Identifiant de connexion"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password1 = forms.CharField(
        label=_("Mot de passe"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        from django.contrib.auth.password_validation import validate_password

        super().clean()
        data = self.cleaned_data
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        elif p1:
            try:
                validate_password(p1)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ApiTokenForm(forms.Form):
    """A new API token: its name, scope and validity (bounds are checked by the service)."""

    name = forms.CharField(
        label=_("Nom"),
        max_length=100,
        help_text=_("L'outil ou la personne qui l'utilisera, par exemple « tableur du siège »."),
    )
    scope = forms.ChoiceField(
        label=_("Portée"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
    )
    days = forms.IntegerField(
        label=_("Validité (jours)"),
        min_value=1,
        max_value=TOKEN_DAYS_MAX,
        initial=TOKEN_DAYS_DEFAULT,
    )
