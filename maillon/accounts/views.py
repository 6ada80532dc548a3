from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils.decorators import method_decorator

from maillon.accounts.forms import LoginForm
from maillon.accounts.models import Membership
from maillon.accounts.perms import organisations_visible_to, sites_visible_to


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


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
        },
    )
