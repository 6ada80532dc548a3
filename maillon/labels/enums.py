from django.db import models
from django.utils.translation import gettext_lazy as _

FRANCE_SERVICES = "france-services"
# the standard of the AFNOR social-mediation certification, and the MSAP recognition
AFNOR_SOCIAL_MEDIATION = "XP X60-600"
MSAP = "MSAP"


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


class ApplicationStatus(models.TextChoices):
    """Where a label application stands: draft → submitted → under audit → audited → decided."""

    DRAFT = "draft", _("brouillon")
    SUBMITTED = "submitted", _("déposée")
    UNDER_AUDIT = "under_audit", _("en cours d'audit")
    AUDITED = "audited", _("auditée")
    DECIDED = "decided", _("décidée")


class ApplicationKind(models.TextChoices):
    INITIAL = "initial", _("première labellisation")
    RENEWAL = "renewal", _("renouvellement (audit périodique)")


class CriterionCheck(models.TextChoices):
    """How a criterion is checked: by a machine rule on Maillon's data, or stated by a person."""

    OPENING_HOURS = "opening_hours", _("horaires d'ouverture")
    STAFF = "staff", _("agents présents et formés")
    OPERATORS = "operators", _("services des opérateurs nationaux")
    MANUAL = "manual", _("déclaratif ou constaté en audit")


class CriterionStatus(models.TextChoices):
    MET = "met", _("respecté")
    NOT_MET = "not_met", _("non respecté")
    UNKNOWN = "unknown", _("inconnu")
    NOT_APPLICABLE = "n_a", _("sans objet")


class Severity(models.TextChoices):
    ERROR = "error", _("erreur")
    WARNING = "warning", _("avertissement")
    INFO = "info", _("information")


class AuditOutcome(models.TextChoices):
    """The auditor's overall conclusion, which the committee reads."""

    FAVOURABLE = "favourable", _("favorable")
    RESERVED = "reserved", _("favorable avec réserves")
    UNFAVOURABLE = "unfavourable", _("défavorable")


class PipelineState(models.TextChoices):
    """Where a site stands in the labelling pipeline on a date (`labels.pipeline`)."""

    NOT_CANDIDATE = "not_candidate", _("non candidat")
    PREPARING = "preparing", _("en préparation")
    FILED = "filed", _("candidature déposée")
    AUDIT_PLANNED = "audit_planned", _("audit prévu")
    AUDIT_DONE = "audit_done", _("audit réalisé")
    COMMITTEE = "committee", _("en attente du comité")
    LABELLED = "labelled", _("labellisé")
    RENEWAL_DUE = "renewal_due", _("renouvellement à prévoir")
    SUSPENDED = "suspended", _("label suspendu")
    WITHDRAWN = "withdrawn", _("label retiré")
    REFUSED = "refused", _("refusé")


class CommitteeVerdict(models.TextChoices):
    """What a committee says of an application; the decision's outcome follows from its kind
    (a first labelling is granted or refused, a renewal renewed or withdrawn)."""

    FAVOURABLE = "favourable", _("favorable")
    UNFAVOURABLE = "unfavourable", _("défavorable")
    POSTPONED = "postponed", _("ajourné (pas de décision)")
