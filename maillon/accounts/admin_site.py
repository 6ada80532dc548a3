from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _

from maillon.accounts.perms import is_network_admin


def restrict_admin_to_network_admins(site: AdminSite) -> None:
    """Django's admin is the network head's tool: only network admins (and superusers) enter."""
    site.site_header = _("Maillon — administration du réseau")
    site.site_title = _("Maillon")
    site.index_title = _("Données de référence")
    site.has_permission = lambda request: is_network_admin(request.user)  # type: ignore[method-assign]
