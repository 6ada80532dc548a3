from django.db import models
from django.utils.translation import gettext_lazy as _

FRANCE_SERVICES = "france-services"


class DatePrecision(models.TextChoices):
    """How precisely a date is known: never invent a day that no document gives."""

    DAY = "day", _("jour")
    MONTH = "month", _("mois")
    YEAR = "year", _("année")
    RANGE = "range", _("entre deux dates")


class DecisionOutcome(models.TextChoices):
    GRANTED = "granted", _("labellisé")
    REFUSED = "refused", _("refusé")
    RENEWED = "renewed", _("renouvelé")
    SUSPENDED = "suspended", _("suspendu")
    REINSTATED = "reinstated", _("rétabli")
    WITHDRAWN = "withdrawn", _("retiré")


# Outcomes after which the site holds the label.
LABEL_HOLDING_OUTCOMES = (
    DecisionOutcome.GRANTED,
    DecisionOutcome.RENEWED,
    DecisionOutcome.REINSTATED,
)
