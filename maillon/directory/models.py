"""What the directory keeps besides the sites: the freshness policy of a network, citizens'
error reports, and the rows an import of public data rejected."""

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillon.directory.enums import ErrorTopic, ImportKind

DEFAULT_STALE_AFTER_MONTHS = 6


class DirectoryPolicy(models.Model):
    """A network head's rules for the public information of its sites."""

    network = models.OneToOneField(
        "network.Network",
        on_delete=models.CASCADE,
        related_name="directory_policy",
        verbose_name=_("réseau"),
    )
    stale_after_months = models.PositiveSmallIntegerField(
        _("informations à reconfirmer après (mois)"),
        default=DEFAULT_STALE_AFTER_MONTHS,
        help_text=_("Au-delà, les gestionnaires reçoivent un rappel."),
    )

    class Meta:
        verbose_name = _("règles de l'annuaire")
        verbose_name_plural = _("règles de l'annuaire")
        constraints = [
            models.CheckConstraint(
                condition=Q(stale_after_months__gte=1, stale_after_months__lte=60),
                name="directory_policy_stale_months_range",
            )
        ]

    def __str__(self) -> str:
        return str(self.network)


class ErrorReportQuerySet(models.QuerySet["ErrorReport"]):
    def open(self) -> Self:
        return self.filter(handled_at__isnull=True)


class ErrorReport(models.Model):
    """A citizen's report that a site's public information is wrong (signalement d'erreur)."""

    site = models.ForeignKey(
        "network.Site",
        on_delete=models.CASCADE,
        related_name="error_reports",
        verbose_name=_("point d'accueil"),
    )
    topic = models.CharField(_("sujet"), max_length=20, choices=ErrorTopic.choices)
    message = models.TextField(_("message"), max_length=2000)
    email = models.EmailField(_("courriel pour la réponse"), blank=True)
    created_at = models.DateTimeField(_("reçu le"), auto_now_add=True)
    handled_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("traité par"),
    )
    handled_note = models.TextField(_("note de traitement"), blank=True)

    objects = ErrorReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("signalement d'erreur")
        verbose_name_plural = _("signalements d'erreur")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["site", "handled_at"], name="directory_report_site_open")]

    def __str__(self) -> str:
        return f"Signalement {self.pk} ({self.site_id})"


class ImportRecord(models.Model):
    """One run of an import of public data, with the rows it rejected (line, column, value,
    why), so that the data-quality page can show the last import's rejects."""

    kind = models.CharField(_("import"), max_length=40, choices=ImportKind.choices, db_index=True)
    file_name = models.CharField(_("fichier"), max_length=300)
    ran_at = models.DateTimeField(_("lancé le"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("lignes"), default=0)
    rejected = models.JSONField(_("lignes rejetées"), default=list)

    class Meta:
        verbose_name = _("import de données publiques")
        verbose_name_plural = _("imports de données publiques")
        ordering = ["-ran_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"
