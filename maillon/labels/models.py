"""Labels as history: programmes, committee waves and dated decisions on sites."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillon.labels.enums import DatePrecision, DecisionOutcome


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
        return f"{self.name} ({self.date:%d/%m/%Y})"


class LabelDecisionQuerySet(models.QuerySet):
    def of_programme(self, slug: str):
        return self.filter(programme__slug=slug)

    def effective_by(self, day: datetime.date, *, certain: bool = True):
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
    source = models.CharField(_("source"), max_length=300)
    created_at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)

    objects = LabelDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("décision de label")
        verbose_name_plural = _("décisions de label")
        ordering = ["site", "effective_date", "id"]
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
        return f"{self.site} — {self.get_outcome_display()} ({self.effective_date:%d/%m/%Y})"
