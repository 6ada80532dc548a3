"""« Jetons d'API »: a user lists, creates and revokes his own API tokens."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from maillon.accounts.selectors import api_token_get, api_token_list
from maillon.accounts.services import api_token_create, api_token_revoke
from maillon.web.accounts.forms import ApiTokenForm
from maillon.web.network.forms import add_service_errors


def token_list_view(request):
    """The list and the creation form; after a creation the secret is shown in this response
    only (never stored, never put in a message or the session)."""
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = api_token_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = ApiTokenForm()
            messages.success(request, _("Jeton « %(name)s » créé.") % {"name": token.name})
    return render(
        request,
        "accounts/token_list.html",
        {"tokens": api_token_list(user=request.user), "form": form, "secret": secret},
    )


def token_revoke_view(request, pk: int):
    """GET: the confirmation; POST: revoke."""
    token = api_token_get(user=request.user, pk=pk)
    if request.method == "POST":
        api_token_revoke(actor=request.user, token=token)
        messages.success(request, _("Jeton « %(name)s » révoqué.") % {"name": token.name})
        return redirect("accounts:token_list")
    return render(request, "accounts/token_revoke.html", {"token": token})
