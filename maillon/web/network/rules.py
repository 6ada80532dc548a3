"""The page where a network head sets one of his network's rules (the desk's « Règles de
saisie », the cases' deadlines and retention): one row per network, shown from its saved values
or the defaults, saved through its domain service, which validates and journals."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from maillon.access.rules import networks_administered_by
from maillon.access.selectors import network_get_for_admin
from maillon.web.http import AuthenticatedHttpRequest
from maillon.web.network.forms import add_service_errors


def network_rules_view(
    request: AuthenticatedHttpRequest,
    *,
    model: type[models.Model],
    form_class: type[forms.ModelForm],
    save: Callable[..., object],
    template: str,
    url_name: str,
    saved_message: str,
) -> HttpResponse:
    """GET: the form of the network's rules (`?reseau=`, else his first network). POST: `save`
    (actor, network, the form's cleaned data), then back to the page with `saved_message`."""
    network = network_get_for_admin(user=request.user, slug=request.GET.get("reseau"))
    rules = model._default_manager.filter(network=network).first() or model(network=network)
    if request.method == "POST":
        form = form_class(request.POST, instance=model(network=network))
        if form.is_valid():
            try:
                save(actor=request.user, network=network, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, saved_message)
                return redirect(f"{reverse(url_name)}?reseau={network.slug}")
    else:
        form = form_class(instance=rules)
    return render(
        request,
        template,
        {
            "form": form,
            "network": network,
            "networks": networks_administered_by(request.user).order_by("name"),
            "saved": rules.pk is not None,
        },
    )
