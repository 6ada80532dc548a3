from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _

from maillon.access.rules import organisations_visible_to, sites_visible_to
from maillon.accounts.models import Membership
from maillon.web.accounts.forms import LoginForm
from maillon.web.activity.home import day_summary
from maillon.web.cases.home import cases_summary


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every user changes his own password (the old one asked); he stays logged in."""

    template_name = "accounts/password_form.html"
    success_url = reverse_lazy("accounts:home")
    extra_context = {"title": _("Changer mon mot de passe")}

    def form_valid(self, form):
        messages.success(self.request, _("Votre mot de passe a été modifié."))
        return super().form_valid(form)


# Reset by e-mail (Django's signed one-time links, valid PASSWORD_RESET_TIMEOUT). Django marks
# these views login_not_required; the same answer whether the address is known or not.
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_context = {
        "title": _("Mot de passe oublié"),
        "intro": _(
            "Indiquez le courriel de votre compte : vous recevrez un lien pour choisir un "
            "nouveau mot de passe."
        ),
        "submit": _("Recevoir le lien"),
    }


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_message.html"
    extra_context = {
        "title": _("Courriel envoyé"),
        "message": _(
            "Un courriel contenant un lien vient d'être envoyé si un compte actif utilise cette "
            "adresse. Le lien est valable 3 jours et ne sert qu'une fois. Pensez à regarder "
            "dans les indésirables."
        ),
    }


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_form.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    extra_context = {"title": _("Nouveau mot de passe")}


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_message.html"
    extra_context = {
        "title": _("Mot de passe enregistré"),
        "message": _("Votre mot de passe a été enregistré : vous pouvez vous connecter."),
        "login": True,
    }


def home(request):
    """The landing page after login: the user's roles, organisations and sites."""
    memberships = (
        Membership.objects.active()
        .filter(user=request.user)
        .select_related("network", "organisation", "site", "partner")
    )
    sites = sites_visible_to(request.user).with_geography().order_by("name")
    return render(
        request,
        "accounts/home.html",
        {
            "memberships": memberships,
            "site_count": sites.count(),
            "sites": sites[:50],
            "organisations": organisations_visible_to(request.user).order_by("name")[:50],
            "day": day_summary(request.user),
            "cases_home": cases_summary(request.user),
        },
    )
