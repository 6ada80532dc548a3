from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    NETWORK_ADMIN = "network_admin", _("administrateur du réseau")
    ORGANISATION_MANAGER = "organisation_manager", _("responsable de structure")
    AGENT = "agent", _("médiateur ou agent d'accueil")
    PARTNER_VIEWER = "partner_viewer", _("partenaire (lecture des statistiques)")


class TokenScope(models.TextChoices):
    READ = "read", _("lecture seule")
    WRITE = "write", _("lecture et écriture")
