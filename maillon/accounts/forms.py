from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

MAX_FAILED_LOGINS = 5
LOCKOUT_SECONDS = 15 * 60


def _throttle_key(username: str, address: str) -> str:
    return f"login-failures:{(username or '').lower()}:{address}"


class ThrottledAuthenticationForm(AuthenticationForm):
    """Login form that refuses further attempts after repeated failures (per user and address)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Identifiant ou mot de passe incorrect."),
        "throttled": _(
            "Trop de tentatives de connexion échouées. Réessayez dans quelques minutes."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username", "")
        address = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        key = _throttle_key(username, address)
        if cache.get(key, 0) >= MAX_FAILED_LOGINS:
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, LOCKOUT_SECONDS)
            raise
