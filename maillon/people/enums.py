from django.db import models
from django.utils.translation import gettext_lazy as _


class EmployeeRole(models.TextChoices):
    MEDIATOR = "mediator", _("médiateur")
    FS_ADVISER = "fs_adviser", _("conseiller France Services")
    COORDINATOR = "coordinator", _("coordinateur")
    MANAGER = "manager", _("responsable")


class ContractType(models.TextChoices):
    CDI = "cdi", _("CDI")
    CDD = "cdd", _("CDD")
    ADULT_RELAY = "adult_relay", _("adulte-relais")
    PEC = "pec", _("PEC (contrat aidé)")
    CIVIC_SERVICE = "civic_service", _("service civique")
    WORK_STUDY = "work_study", _("alternance")


class ExitOutcome(models.TextChoices):
    DURABLE_EMPLOYMENT = "durable_employment", _("emploi durable")
    TRANSITION_EMPLOYMENT = "transition_employment", _("emploi de transition")
    QUALIFYING_TRAINING = "qualifying_training", _("formation qualifiante")
    OTHER = "other", _("autre")
    UNKNOWN = "unknown", _("inconnu")


POSITIVE_OUTCOMES = (
    ExitOutcome.DURABLE_EMPLOYMENT,
    ExitOutcome.TRANSITION_EMPLOYMENT,
    ExitOutcome.QUALIFYING_TRAINING,
)
