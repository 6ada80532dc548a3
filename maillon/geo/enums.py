from django.db import models
from django.utils.translation import gettext_lazy as _


class CommuneKind(models.TextChoices):
    """INSEE `TYPECOM` of a row of the Code officiel géographique."""

    COMMUNE = "COM", _("commune")
    DELEGATED = "COMD", _("commune déléguée")
    ASSOCIATED = "COMA", _("commune associée")
    MUNICIPAL_ARRONDISSEMENT = "ARM", _("arrondissement municipal")


CURRENT_KINDS = (CommuneKind.COMMUNE, CommuneKind.MUNICIPAL_ARRONDISSEMENT)
