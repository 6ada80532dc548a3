from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "maillon.accounts"
    label = "accounts"
    verbose_name = _("comptes et habilitations")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from maillon.accounts.middleware import session_stamp_on_login

        user_logged_in.connect(session_stamp_on_login, dispatch_uid="maillon-session-stamp")
