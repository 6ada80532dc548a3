"""Referents, cases, their messages and attachments, and each network's case rules.

Personal data lives in the columns and rows that retention erases (`PERSONAL_FIELDS`, message
bodies, attachment files); what figures need (partner, site, dates, status, answer, usefulness,
deadlines) survives it. A case is one-to-one with the desk request it was opened from."""

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillon.cases.enums import CaseAnswer, CaseStatus, ConsentKind, Side, Usefulness

# Erased by retention (with message bodies and attachment files); everything else is kept.
PERSONAL_FIELDS = ("description", "allocataire_number", "tax_number", "nir", "file_number")
SUBJECT_MAX_LENGTH = 120


class CasePolicy(models.Model):
    """A network's case rules: deadlines in business days, retention of personal data."""

    network = models.OneToOneField(
        "network.Network",
        on_delete=models.CASCADE,
        related_name="case_policy",
        verbose_name=_("réseau"),
    )
    first_answer_days = models.PositiveSmallIntegerField(
        _("délai de première réponse (jours ouvrés)"), default=3
    )
    closure_days = models.PositiveSmallIntegerField(
        _("délai de clôture après la dernière réponse (jours ouvrés)"), default=15
    )
    retention_months = models.PositiveSmallIntegerField(
        _("conservation des données personnelles après clôture (mois)"), default=6
    )
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("règles des dossiers transmis")
        verbose_name_plural = _("règles des dossiers transmis")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_answer_days__gte=1, closure_days__gte=1, retention_months__gte=1),
                name="cases_policy_positive",
            )
        ]

    def __str__(self) -> str:
        return str(self.network)


class ReferentQuerySet(models.QuerySet["Referent"]):
    def active(self) -> Self:
        return self.filter(is_active=True, user__is_active=True)


class Referent(models.Model):
    """A user answering, for a partner (CAF, CPAM, DGFiP…), the cases of a territory: one or
    more départements, or named sites (either or both)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referent_roles",
        verbose_name=_("utilisateur"),
    )
    partner = models.ForeignKey(
        "network.Partner",
        on_delete=models.PROTECT,
        related_name="referents",
        verbose_name=_("partenaire"),
    )
    departments = models.ManyToManyField(
        "geo.Department", blank=True, related_name="+", verbose_name=_("départements")
    )
    sites = models.ManyToManyField(
        "network.Site", blank=True, related_name="+", verbose_name=_("points d'accueil")
    )
    is_active = models.BooleanField(_("actif"), default=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invité par"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    objects = ReferentQuerySet.as_manager()

    class Meta:
        verbose_name = _("référent partenaire")
        verbose_name_plural = _("référents partenaires")
        constraints = [
            models.UniqueConstraint(fields=["user", "partner"], name="cases_referent_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.partner}"

    def get_absolute_url(self) -> str:
        """Where a referent lands (after accepting his invitation): the cases' queues."""
        from django.urls import NoReverseMatch, reverse

        try:
            return reverse("cases:queues")
        except NoReverseMatch:  # the case pages are not wired
            return "/dossiers/"


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> Self:
        return self.exclude(status=CaseStatus.CLOSED)


class Case(models.Model):
    """A request blocked on the partner's side, sent to the partner's referents of the site's
    territory. `due_on`: the day by which the next step is owed (first answer, or closure after
    the last answer), in business days of the site's département; empty once closed."""

    request = models.OneToOneField(
        "activity.Request",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case",
        verbose_name=_("demande"),
    )
    site = models.ForeignKey(
        "network.Site",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("point d'accueil"),
    )
    partner = models.ForeignKey(
        "network.Partner", on_delete=models.PROTECT, related_name="+", verbose_name=_("partenaire")
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ouvert par"),
    )
    subject = models.CharField(_("objet"), max_length=SUBJECT_MAX_LENGTH)
    description = models.TextField(_("description"), blank=True)
    allocataire_number = models.CharField(_("numéro d'allocataire"), max_length=20, blank=True)
    tax_number = models.CharField(_("numéro fiscal"), max_length=13, blank=True)
    nir = models.CharField(_("numéro de sécurité sociale (NIR)"), max_length=15, blank=True)
    file_number = models.CharField(_("numéro de dossier"), max_length=40, blank=True)
    consent_kind = models.CharField(
        _("consentement de la personne"), max_length=20, choices=ConsentKind.choices
    )
    consent_on = models.DateField(_("consentement recueilli le"))
    status = models.CharField(
        _("statut"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    answer = models.CharField(_("réponse"), max_length=20, choices=CaseAnswer.choices, blank=True)
    useful = models.CharField(
        _("utile pour l'usager ?"), max_length=10, choices=Usefulness.choices, blank=True
    )
    rerouted_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rerouted_to",
        verbose_name=_("réorienté depuis"),
    )
    sent_at = models.DateTimeField(_("transmis le"))
    first_answer_at = models.DateTimeField(_("première réponse le"), null=True, blank=True)
    last_answer_at = models.DateTimeField(_("dernière réponse le"), null=True, blank=True)
    answered_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    erased_at = models.DateTimeField(_("données personnelles effacées le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier transmis")
        verbose_name_plural = _("dossiers transmis")
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["partner", "status", "due_on"], name="cases_case_partner_queue"),
            models.Index(fields=["site", "status", "due_on"], name="cases_case_site_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.values), name="cases_case_status"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(status=CaseStatus.CLOSED),
                name="cases_case_closed_at_only_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} — {self.subject}"


class CaseMessage(models.Model):
    """One message of a case's thread. `internal`: a referent's note, read by referents only."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="messages", verbose_name=_("dossier")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("auteur"),
    )
    side = models.CharField(_("côté"), max_length=10, choices=Side.choices)
    body = models.TextField(_("message"))
    internal = models.BooleanField(_("note interne aux référents"), default=False)
    created_at = models.DateTimeField(_("écrit le"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(internal=False) | Q(side=Side.PARTNER),
                name="cases_message_internal_only_partner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} — {self.created_at:%d/%m/%Y %H:%M}"


def attachment_path(instance: "CaseAttachment", filename: str) -> str:
    """Never the uploaded name (it may hold a person's name): a random key per file."""
    import uuid

    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}.{suffix}"


class CaseAttachment(models.Model):
    """A PDF, JPEG or PNG joined to a case, stored with Django's storage API and served only
    through the case's access check."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("dossier")
    )
    message = models.ForeignKey(
        CaseMessage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("message"),
    )
    file = models.FileField(_("fichier"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("nom"), max_length=120)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("taille (octets)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("déposé par"),
    )
    created_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class DailyJobRun(models.Model):
    """A daily job enqueued for a day: the worker's scheduler writes one row per job and day
    before enqueuing it, so two workers (or a restart) never enqueue it twice."""

    job = models.CharField(_("tâche"), max_length=100)
    day = models.DateField(_("jour"))
    enqueued_at = models.DateTimeField(_("mise en file le"), auto_now_add=True)

    class Meta:
        verbose_name = _("tâche quotidienne")
        verbose_name_plural = _("tâches quotidiennes")
        constraints = [
            models.UniqueConstraint(fields=["job", "day"], name="cases_daily_job_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.job} — {self.day:%d/%m/%Y}"
