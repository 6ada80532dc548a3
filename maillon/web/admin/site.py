from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _

from maillon.access.rules import may_administer_installation


def restrict_admin_to_superusers(site: AdminSite) -> None:
    """Django's admin is the installation administrator's tool: only active superusers enter.

    It edits every network at once and the accounts themselves (superuser flag, passwords,
    memberships), so a network admin is sent to the app's own pages (/reseau/…), which fetch
    through the access layer; nothing in the admin is scoped per network."""
    site.site_header = _("Maillon — administration de l'installation")
    site.site_title = _("Maillon")
    site.index_title = _("Données de référence")
    site.has_permission = lambda request: may_administer_installation(request.user)  # type: ignore[method-assign]
