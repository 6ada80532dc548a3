"""Login throttling: django-axes settings hooks (see docs/operations.md, "Connexion").

Failures are counted in the database (axes' `AccessAttempt`), so every web worker sees the same
count, for the app's login page and the admin's alike. Two keys, each with the limit
`AXES_FAILURE_LIMIT` for `AXES_COOLOFF_TIME`:

- the client address (proxy-aware, `core.http.client_address`): one address trying many
  accounts (password spraying) is stopped;
- the account, counted over every address, except from an address the account has already
  logged in from: a botnet guessing one password is stopped, yet it cannot lock the real user
  out of his usual address (there, only failures from that address count).
"""

from axes.helpers import get_client_username
from axes.models import AccessLog
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from maillon.core.http import client_address

BY_ADDRESS = "ip_address"
BY_ACCOUNT = "username"


def lockout_parameters(request, credentials=None) -> list[str]:
    """`AXES_LOCKOUT_PARAMETERS`: what the failures of this login attempt are counted by."""
    if not isinstance(request, HttpRequest):  # an attempt record (axes' admin, cleanups)
        return [BY_ADDRESS, BY_ACCOUNT]
    username = get_client_username(request, credentials)
    address = getattr(request, "axes_ip_address", None) or client_address(request)
    if username and AccessLog.objects.filter(username=username, ip_address=address).exists():
        return [BY_ADDRESS]  # his usual address: only what happened from here counts
    return [BY_ADDRESS, BY_ACCOUNT]


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """`AXES_LOCKOUT_CALLABLE`: the login page again, with a French message, status 429."""
    from maillon.web.accounts.forms import LoginForm

    form = LoginForm(request, data={"username": get_client_username(request, credentials)})
    form.cleaned_data = {}
    form.add_error(
        None,
        _(
            "Trop de tentatives de connexion échouées. Réessayez dans quelques minutes, "
            "ou réinitialisez votre mot de passe."
        ),
    )
    return render(request, "accounts/login.html", {"form": form}, status=429)
