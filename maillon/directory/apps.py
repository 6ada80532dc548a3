from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "maillon.directory"
    label = "directory"
    verbose_name = _("annuaire public")
