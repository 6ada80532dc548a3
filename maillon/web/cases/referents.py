"""« Référents des partenaires »: the network head, or an active referent of the partner, sees
the partner's referents and invites one by e-mail for a territory. Anyone else: 404."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.cases import referents
from maillon.geo.models import Department
from maillon.network.models import Partner, Site
from maillon.web.forms import model_choice_field
from maillon.web.http import AuthenticatedHttpRequest
from maillon.web.network.forms import add_service_errors


class ReferentInvitationForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Courriel de la personne"))
    departments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Départements suivis"),
        queryset=Department.objects.none(),
        required=False,
        help_text=gettext_lazy("Tous les dossiers des points d'accueil de ces départements."),
    )
    sites = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Points d'accueil suivis"),
        queryset=Site.objects.none(),
        required=False,
        help_text=gettext_lazy("En plus des départements, ou à leur place."),
    )

    def __init__(self, *args, user, partner: Partner, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "departments").queryset = referents.inviter_departments(
            user, partner
        )
        model_choice_field(self, "sites").queryset = referents.inviter_sites(user, partner)


def referent_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    partner = referents.partner_get_for_inviter(
        user=request.user, code=request.GET.get("partenaire")
    )
    form = ReferentInvitationForm(request.POST or None, user=request.user, partner=partner)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = referents.referent_invitation_create(
                actor=request.user,
                partner=partner,
                email=form.cleaned_data["email"],
                departments=form.cleaned_data["departments"],
                sites=form.cleaned_data["sites"],
                accept_url=lambda token: request.build_absolute_uri(
                    reverse("accounts:invitation_accept", args=[token])
                ),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Invitation envoyée à %(email)s.") % {"email": invitation.email}
            )
            return redirect(f"{reverse('cases_admin:referents')}?partenaire={partner.code}")
    return render(
        request,
        "cases/referents.html",
        {
            "partner": partner,
            "partners": referents.partners_invitable_by(request.user),
            "referents": referents.partner_referents(partner),
            "pending": referents.partner_pending_invitations(partner),
            "form": form,
        },
    )
