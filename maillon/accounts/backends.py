from django.contrib.auth.backends import BaseBackend

from maillon.accounts.perms import is_network_admin

# The reference data a network admin maintains through Django's admin.
NETWORK_ADMIN_APPS = {
    "geo",
    "network",
    "labels",
    "accounts",
    "activity",
    "people",
    "reports",
    "journal",
}


class NetworkAdminBackend(BaseBackend):
    """Give network admins the admin permissions on the reference-data apps (no login)."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        app_label = perm.split(".", 1)[0]
        return app_label in NETWORK_ADMIN_APPS and is_network_admin(user_obj)

    def has_module_perms(self, user_obj, app_label):
        return app_label in NETWORK_ADMIN_APPS and is_network_admin(user_obj)
