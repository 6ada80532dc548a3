from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "maillon.cases"
    label = "cases"
    verbose_name = _("dossiers transmis aux partenaires")

    def ready(self) -> None:
        from maillon.accounts.enums import PARTNER_REFERENT
        from maillon.accounts.invitations import ROLE_GRANTERS
        from maillon.cases import notifications, signals
        from maillon.cases.referents import referent_grant

        ROLE_GRANTERS[PARTNER_REFERENT] = referent_grant

        signals.case_sent.connect(notifications.on_case_sent, dispatch_uid="cases_notify_sent")
        signals.message_posted.connect(
            notifications.on_message_posted, dispatch_uid="cases_notify_message"
        )
        signals.case_answered.connect(
            notifications.on_case_answered, dispatch_uid="cases_notify_answered"
        )
