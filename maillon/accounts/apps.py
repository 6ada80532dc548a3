from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "maillon.accounts"
    label = "accounts"
    verbose_name = _("comptes et habilitations")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from maillon.accounts.middleware import session_stamp_on_login
        from maillon.accounts.models import Membership, forget_access_of_member

        user_logged_in.connect(session_stamp_on_login, dispatch_uid="maillon-session-stamp")
        for signal in (post_save, post_delete):
            signal.connect(
                forget_access_of_member, sender=Membership, dispatch_uid="maillon-forget-access"
            )
