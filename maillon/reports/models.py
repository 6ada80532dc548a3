"""Figures declared in documents (press releases, programme reports), kept as dated data.

A declared figure is what a document says, not what Maillon measures: the key-figure reports
compare the two, and the data-quality check flags totals whose parts don't add up.
"""

from typing import Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FigureScope(models.TextChoices):
    NATIONAL = "national", _("France entière")
    PROGRAMME = "programme", _("programme national")
    NETWORK = "network", _("réseau")
    REGION = "region", _("région")
    DEPARTMENT = "department", _("département")
    ORGANISATION = "organisation", _("structure")
    SITE = "site", _("point d'accueil")


class FigureQualifier(models.TextChoices):
    EXACT = "exact", _("exactement")
    AT_LEAST = "at_least", _("plus de / au moins")
    ABOUT = "about", _("environ")


class PeriodPrecision(models.TextChoices):
    DAY = "day", _("jour")
    MONTH = "month", _("mois")
    YEAR = "year", _("année")
    RANGE = "range", _("entre deux dates")


class DeclaredFigureQuerySet(models.QuerySet["DeclaredFigure"]):
    def totals(self) -> Self:
        """Figures that other figures break down (e.g. 856 sites split by carrier)."""
        return self.filter(parts__isnull=False).distinct()


class DeclaredFigure(models.Model):
    """One figure as a document states it: indicator, scope, period, value, unit, source.

    A stock ("460 sites on 1 January 2020") has period_start = period_end; a flow ("1,829,881
    requests in 2018") covers its period. `total` links a part to the figure it breaks down.
    """

    reference = models.SlugField(
        _("référence"),
        max_length=100,
        blank=True,
        help_text=_("Identifiant stable dans le jeu de données d'origine."),
    )
    indicator = models.SlugField(_("indicateur"), max_length=80)
    label = models.CharField(_("libellé"), max_length=300)
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unité"), max_length=30, default="nombre")
    qualifier = models.CharField(
        _("qualification"),
        max_length=10,
        choices=FigureQualifier.choices,
        default=FigureQualifier.EXACT,
    )
    scope_type = models.CharField(_("périmètre"), max_length=20, choices=FigureScope.choices)
    scope_code = models.CharField(
        _("code du périmètre"),
        max_length=50,
        blank=True,
        help_text=_("Code INSEE, identifiant de programme ou de structure, selon le périmètre."),
    )
    network = models.ForeignKey(
        "network.Network",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="declared_figures",
        verbose_name=_("réseau"),
    )
    breakdown = models.CharField(
        _("ventilation"),
        max_length=100,
        blank=True,
        help_text=_("Valeur de la ventilation pour une partie (par exemple « La Poste »)."),
    )
    total = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="parts",
        verbose_name=_("total ventilé"),
    )
    period_start = models.DateField(_("début de la période"))
    period_end = models.DateField(_("fin de la période"))
    precision = models.CharField(
        _("précision de la période"),
        max_length=10,
        choices=PeriodPrecision.choices,
        default=PeriodPrecision.DAY,
    )
    source = models.CharField(_("document source"), max_length=300)
    source_date = models.DateField(_("date du document"), null=True, blank=True)
    quote = models.TextField(_("citation"), blank=True)

    objects = DeclaredFigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("chiffre déclaré")
        verbose_name_plural = _("chiffres déclarés")
        ordering = ["indicator", "period_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="reports_figure_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(scope_type__in=FigureScope.values), name="reports_figure_scope"
            ),
            models.UniqueConstraint(
                fields=["reference"],
                condition=~Q(reference=""),
                name="reports_figure_unique_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} : {self.value.normalize():f} {self.unit}"
