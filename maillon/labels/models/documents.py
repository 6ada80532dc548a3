"""Certifications of organisations, a network's label settings, and printed lists."""

import datetime
from typing import Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillon.labels.enums import DatePrecision
from maillon.labels.models.history import LabelProgramme


class CertificationQuerySet(models.QuerySet["Certification"]):
    def valid_on(self, day: datetime.date) -> Self:
        """Certifications surely obtained by `day` and not expired on it."""
        return self.filter(granted_latest__lte=day).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )


class Certification(models.Model):
    """A certification of an organisation (e.g. AFNOR XP X60-600 social mediation), dated with
    the precision its source gives."""

    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.CASCADE,
        related_name="certifications",
        verbose_name=_("structure"),
    )
    standard = models.CharField(_("référentiel"), max_length=100)
    name = models.CharField(_("intitulé"), max_length=200)
    certifier = models.CharField(_("organisme certificateur"), max_length=200, blank=True)
    granted_on = models.DateField(_("obtenue (au plus tôt)"))
    granted_latest = models.DateField(_("obtenue (au plus tard)"))
    precision = models.CharField(
        _("précision de la date"), max_length=10, choices=DatePrecision.choices
    )
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300)

    objects = CertificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["organisation", "granted_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(granted_latest__gte=models.F("granted_on")),
                name="labels_certification_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["organisation", "standard", "granted_on"],
                name="labels_certification_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.standard}"


class LabelSettings(models.Model):
    """A network's settings of a label programme: how long a label holds before its renewal
    audit, and how early the pipeline warns. Data, not code: the network head changes them."""

    network = models.ForeignKey(
        "network.Network",
        on_delete=models.CASCADE,
        related_name="label_settings",
        verbose_name=_("réseau"),
    )
    programme = models.ForeignKey(
        LabelProgramme,
        on_delete=models.CASCADE,
        related_name="settings",
        verbose_name=_("programme"),
    )
    renewal_months = models.PositiveSmallIntegerField(
        _("durée du label avant renouvellement (mois)"), default=36
    )
    warning_days = models.PositiveSmallIntegerField(
        _("alerte avant l'échéance (jours)"), default=90
    )

    class Meta:
        verbose_name = _("paramètres du label")
        verbose_name_plural = _("paramètres du label")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "programme"], name="labels_settings_unique_network"
            ),
            models.CheckConstraint(
                condition=Q(renewal_months__gt=0), name="labels_settings_renewal_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network} — {self.programme}"


class Publication(models.Model):
    """A list of labelled sites as it was printed in a document (e.g. a press release).

    The printed rows are kept verbatim in PublicationEntry, mistakes included: Maillon
    regenerates the list from its data and reports every difference with the printed one.
    """

    network = models.ForeignKey(
        "network.Network",
        on_delete=models.CASCADE,
        related_name="label_publications",
        verbose_name=_("réseau"),
    )
    programme = models.ForeignKey(
        LabelProgramme,
        on_delete=models.PROTECT,
        related_name="publications",
        verbose_name=_("programme"),
    )
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    title = models.CharField(_("titre"), max_length=300)
    published_on = models.DateField(_("publiée le"))
    labelled_on = models.DateField(_("situation au"))
    new_since = models.DateField(_("nouveaux depuis le"), null=True, blank=True)
    declared_total = models.PositiveIntegerField(_("total annoncé"), null=True, blank=True)
    declared_new = models.PositiveIntegerField(_("nouveaux annoncés"), null=True, blank=True)
    declared_departments = models.PositiveIntegerField(
        _("départements annoncés"), null=True, blank=True
    )
    source = models.CharField(_("document source"), max_length=300)

    class Meta:
        verbose_name = _("liste publiée")
        verbose_name_plural = _("listes publiées")
        ordering = ["published_on"]

    def __str__(self) -> str:
        return self.title


class PublicationEntry(models.Model):
    """One printed row of a published list, verbatim, and the site it designates."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="entries", verbose_name=_("liste")
    )
    position = models.PositiveSmallIntegerField(_("rang"))
    printed_region = models.CharField(_("région imprimée"), max_length=100, blank=True)
    printed_department = models.CharField(_("département imprimé"), max_length=100)
    printed_commune = models.CharField(_("commune imprimée"), max_length=200, blank=True)
    printed_name = models.CharField(_("nom imprimé"), max_length=300)
    marked_new = models.BooleanField(_("marqué nouveau"), default=False)
    site = models.ForeignKey(
        "network.Site",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("point d'accueil désigné"),
    )
    match_note = models.CharField(_("rapprochement"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("ligne d'une liste publiée")
        verbose_name_plural = _("lignes d'une liste publiée")
        ordering = ["publication", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "position"], name="labels_entry_unique_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.printed_department} — {self.printed_name}"
