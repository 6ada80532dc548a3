from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "maillon.reports"
    label = "reports"
    verbose_name = _("rapports et chiffres clés")
