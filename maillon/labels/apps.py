from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabelsConfig(AppConfig):
    name = "maillon.labels"
    label = "labels"
    verbose_name = _("labellisation")
