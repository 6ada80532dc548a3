"""Labels as history: programmes, committee waves and dated decisions on sites."""

import datetime
from typing import Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillon.core.dates import french_date
from maillon.core.periods import PeriodQuerySet
from maillon.labels.enums import (
    ApplicationKind,
    ApplicationStatus,
    AuditOutcome,
    CriterionCheck,
    CriterionStatus,
    DatePrecision,
    DecisionOutcome,
)


class LabelProgramme(models.Model):
    """A labelling programme with its criteria (e.g. France Services, since 2020-01-01)."""

    slug = models.SlugField(_("identifiant"), unique=True)
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    started_on = models.DateField(_("début du programme"), null=True, blank=True)

    class Meta:
        verbose_name = _("programme de label")
        verbose_name_plural = _("programmes de label")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Wave(models.Model):
    """A committee session that decides labels, with its date (e.g. the 30 Sept 2020 committee)."""

    programme = models.ForeignKey(
        LabelProgramme, on_delete=models.PROTECT, related_name="waves", verbose_name=_("programme")
    )
    name = models.CharField(_("nom"), max_length=200)
    date = models.DateField(_("date"))
    effective_date = models.DateField(_("date d'effet des labels"), null=True, blank=True)

    class Meta:
        verbose_name = _("vague de labellisation")
        verbose_name_plural = _("vagues de labellisation")
        ordering = ["programme", "date"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "date"], name="labels_wave_unique_date")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({french_date(self.date)})"


class CriterionQuerySet(PeriodQuerySet):
    pass


class Criterion(models.Model):
    """One requirement of a programme's cahier des charges, checked by a rule or by a person.

    `params` holds the thresholds of a machine check (e.g. {"min_minutes": 1440, "min_days": 5,
    "site_kinds": ["fixed"]}), so that the rules are data, not code.
    """

    programme = models.ForeignKey(
        LabelProgramme,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("programme"),
    )
    code = models.SlugField(_("code"), max_length=50)
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    check_kind = models.CharField(_("vérification"), max_length=20, choices=CriterionCheck.choices)
    params = models.JSONField(_("paramètres"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    valid_from = models.DateField(_("exigé à partir du"), null=True, blank=True)
    valid_until = models.DateField(_("exigé jusqu'au"), null=True, blank=True)

    objects = CriterionQuerySet.as_manager()

    class Meta:
        verbose_name = _("critère du cahier des charges")
        verbose_name_plural = _("critères du cahier des charges")
        ordering = ["programme", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code"], name="labels_criterion_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(check_kind__in=CriterionCheck.values), name="labels_criterion_check"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class LabelApplicationQuerySet(models.QuerySet["LabelApplication"]):
    def of_programme(self, slug: str) -> Self:
        return self.filter(programme__slug=slug)

    def open(self) -> Self:
        return self.exclude(status=ApplicationStatus.DECIDED)


class LabelApplication(models.Model):
    """A site's application for a label (first labelling or periodic renewal)."""

    site = models.ForeignKey(
        "network.Site",
        on_delete=models.CASCADE,
        related_name="label_applications",
        verbose_name=_("point d'accueil"),
    )
    programme = models.ForeignKey(
        LabelProgramme,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("programme"),
    )
    kind = models.CharField(
        _("nature"), max_length=10, choices=ApplicationKind.choices, default=ApplicationKind.INITIAL
    )
    status = models.CharField(
        _("état"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    submitted_on = models.DateField(_("déposée le"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    # the criteria self-check as it stood on the filing day: [{"code", "title", "status", "why"}]
    self_check = models.JSONField(_("autodiagnostic au dépôt"), default=list, blank=True)
    audit_planned_on = models.DateField(_("audit prévu le"), null=True, blank=True)
    committee = models.ForeignKey(
        Wave,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("examinée au comité"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = LabelApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidature au label")
        verbose_name_plural = _("candidatures au label")
        ordering = ["site", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values), name="labels_application_status"
            ),
            models.CheckConstraint(
                condition=Q(status=ApplicationStatus.DRAFT) | Q(submitted_on__isnull=False),
                name="labels_application_submitted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site} — {self.programme} ({self.get_status_display()})"


class Audit(models.Model):
    """An audit of an application: who, when, and a result per criterion."""

    application = models.ForeignKey(
        LabelApplication,
        on_delete=models.CASCADE,
        related_name="audits",
        verbose_name=_("candidature"),
    )
    auditor = models.CharField(_("auditeur"), max_length=200)
    date = models.DateField(_("date de l'audit"))
    outcome = models.CharField(
        _("résultat"), max_length=12, choices=AuditOutcome.choices, blank=True
    )
    conclusion = models.TextField(_("conclusion"), blank=True)
    created_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        ordering = ["application", "date", "id"]

    def __str__(self) -> str:
        return f"{self.application.site} — {self.auditor} ({french_date(self.date)})"


class AuditResult(models.Model):
    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="results", verbose_name=_("audit")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="audit_results", verbose_name=_("critère")
    )
    status = models.CharField(_("résultat"), max_length=10, choices=CriterionStatus.choices)
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        verbose_name = _("résultat d'audit")
        verbose_name_plural = _("résultats d'audit")
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "criterion"], name="labels_auditresult_unique_criterion"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CriterionStatus.values), name="labels_auditresult_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion} : {self.get_status_display()}"


class DecisionIsPermanent(Exception):
    """Raised when code tries to delete a label decision."""


class LabelDecisionQuerySet(models.QuerySet["LabelDecision"]):
    def of_programme(self, slug: str) -> Self:
        return self.filter(programme__slug=slug)

    def current(self) -> Self:
        """Decisions no later decision corrects: the ones the label history reads."""
        return self.filter(superseded_by__isnull=True)

    def effective_by(self, day: datetime.date, *, certain: bool = True) -> Self:
        """Decisions in force by `day`: surely (latest possible date ≤ day) or possibly."""
        if certain:
            return self.filter(effective_latest__lte=day)
        return self.filter(effective_date__lte=day)


class LabelDecision(models.Model):
    """A dated decision on a site's label; the label status on a date is read from these.

    `effective_date` is the earliest date the decision may have taken effect and
    `effective_latest` the latest; they are equal when the day is known (`precision` says how
    precisely the source gives it).
    """

    site = models.ForeignKey(
        "network.Site",
        on_delete=models.CASCADE,
        related_name="label_decisions",
        verbose_name=_("point d'accueil"),
    )
    programme = models.ForeignKey(
        LabelProgramme,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("programme"),
    )
    outcome = models.CharField(_("décision"), max_length=20, choices=DecisionOutcome.choices)
    effective_date = models.DateField(_("date d'effet (au plus tôt)"))
    effective_latest = models.DateField(_("date d'effet (au plus tard)"))
    precision = models.CharField(
        _("précision de la date"),
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    wave = models.ForeignKey(
        Wave,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("vague"),
    )
    application = models.ForeignKey(
        LabelApplication,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("candidature"),
    )
    source = models.CharField(_("source"), max_length=300)
    # a decision is never deleted nor edited: a wrong one is corrected by a newer decision that
    # names it here; both stay in the history and the label reads the newer
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("corrige la décision"),
    )
    reason = models.TextField(_("motif"), blank=True)
    created_at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)

    objects = LabelDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("décision de label")
        verbose_name_plural = _("décisions de label")
        ordering = ["site", "effective_date", "id"]
        # the directory's stamp of the decisions (its MAX(created_at)) reads this index alone
        indexes = [models.Index(fields=["created_at"], name="labels_decision_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_latest__gte=models.F("effective_date")),
                name="labels_decision_date_bounds_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(precision=DatePrecision.DAY)
                | Q(effective_latest=models.F("effective_date")),
                name="labels_decision_day_precision_exact",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=DecisionOutcome.values), name="labels_decision_outcome"
            ),
            models.UniqueConstraint(
                fields=["site", "programme", "outcome", "effective_date", "source"],
                name="labels_decision_unique_per_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site} — {self.get_outcome_display()} ({french_date(self.effective_date)})"

    def delete(self, *args, **kwargs):
        raise DecisionIsPermanent("a label decision is corrected by a newer one, never deleted")
