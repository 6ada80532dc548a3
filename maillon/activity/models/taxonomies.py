"""The taxonomies of the activity: data tables with validity dates, edited by the installation
administrator; their starting values come from the data migration `0002_taxonomies`."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from maillon.core.periods import PeriodQuerySet, covers, ordered_period_constraint


class TaxonomyQuerySet(PeriodQuerySet):
    pass


class Taxonomy(models.Model):
    """A value of a taxonomy, valid over a period. `code` is stable; `label` is shown."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    label = models.CharField(_("libellé"), max_length=200)
    shortcut = models.CharField(
        _("raccourci clavier"),
        max_length=10,
        blank=True,
        help_text=_("Saisi au guichet pour choisir cette valeur sans la souris."),
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    valid_from = models.DateField(_("valable du"), null=True, blank=True)
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)

    objects = TaxonomyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label

    def is_valid_on(self, day: datetime.date) -> bool:
        return covers(day, start=self.valid_from, end=self.valid_until)


class Channel(Taxonomy):
    """How the person was helped: on site, by phone, outside the walls, at home…"""

    class Meta(Taxonomy.Meta):
        verbose_name = _("canal")
        verbose_name_plural = _("canaux")
        constraints = [ordered_period_constraint("activity_channel_validity_ordered")]


class Theme(Taxonomy):
    """The subject of a request (service-public.fr categories, plus energy and digital)."""

    class Meta(Taxonomy.Meta):
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        constraints = [ordered_period_constraint("activity_theme_validity_ordered")]


class HelpKind(Taxonomy):
    """The help given: information, orientation, accompaniment, contact, mediation."""

    class Meta(Taxonomy.Meta):
        verbose_name = _("aide apportée")
        verbose_name_plural = _("aides apportées")
        constraints = [ordered_period_constraint("activity_helpkind_validity_ordered")]


class Outcome(Taxonomy):
    """How the request ended: solved during the visit, to be seen again, redirected."""

    class Meta(Taxonomy.Meta):
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        constraints = [ordered_period_constraint("activity_outcome_validity_ordered")]


class OutreachPlace(Taxonomy):
    """Where an outreach act happened: transport, home, public space, partner premises."""

    class Meta(Taxonomy.Meta):
        verbose_name = _("lieu de médiation sortante")
        verbose_name_plural = _("lieux de médiation sortante")
        constraints = [ordered_period_constraint("activity_outreachplace_validity_ordered")]


class AgeBand(Taxonomy):
    """Anonymous age band of a visitor (optional)."""

    class Meta(Taxonomy.Meta):
        verbose_name = _("tranche d'âge")
        verbose_name_plural = _("tranches d'âge")
        constraints = [ordered_period_constraint("activity_ageband_validity_ordered")]
