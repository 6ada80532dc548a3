from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorTopic(models.TextChoices):
    """What a citizen says is wrong on a site's page."""

    HOURS = "hours", _("Les horaires")
    ADDRESS = "address", _("L'adresse ou l'accès")
    CONTACT = "contact", _("Le téléphone, le courriel ou le rendez-vous")
    CLOSED = "closed", _("Le lieu est fermé définitivement")
    OTHER = "other", _("Autre chose")


class ImportKind(models.TextChoices):
    FRANCE_SERVICES = "france-services", _("liste France Services (ANCT)")
    PLACES = "lieux-mediation-numerique", _("lieux de médiation numérique")
