from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    """nouveau → en cours → traité → clos; a re-routed case is closed and a new one sent."""

    NEW = "new", _("nouveau")
    IN_PROGRESS = "in_progress", _("en cours")
    ANSWERED = "answered", _("traité")
    CLOSED = "closed", _("clos")


class CaseAnswer(models.TextChoices):
    """The referent's answer when he marks the case « traité »."""

    SOLVED = "solved", _("résolu")
    NOT_SOLVABLE = "not_solvable", _("non résoluble")
    WRONG_PARTNER = "wrong_partner", _("mauvais partenaire (à réorienter)")


class Usefulness(models.TextChoices):
    """The agent's answer, on closing, to « utile pour l'usager ? »."""

    YES = "yes", _("oui")
    UNKNOWN = "unknown", _("je ne sais pas")
    NO = "no", _("non")


class ConsentKind(models.TextChoices):
    ORAL = "oral", _("oral, au guichet")
    SIGNED = "signed", _("écrit signé")
    AIDANTS_CONNECT = "aidants_connect", _("mandat Aidants Connect")


class Side(models.TextChoices):
    """Who wrote a message: the site's agents or the partner's referents."""

    SITE = "site", _("point d'accueil")
    PARTNER = "partner", _("partenaire")
