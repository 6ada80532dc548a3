from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "maillon.reports"
    label = "reports"
    verbose_name = _("rapports et chiffres clés")

    def ready(self):
        from maillon.reports import checks  # noqa: F401 -- registers the PDF check
