"""The facts of the desk: visits and their requests, outreach acts, workshops. No personal data
of citizens is stored and a visit has no free-text field."""

import datetime
from typing import Self, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from maillon.activity.bounds import MAX_TITLE_LENGTH, MAX_VISIT_MINUTES
from maillon.activity.models.taxonomies import (
    AgeBand,
    Channel,
    HelpKind,
    Outcome,
    OutreachPlace,
    Theme,
)


class VisitQuerySet(models.QuerySet["Visit"]):
    def between(self, start: datetime.date | None, end: datetime.date | None) -> Self:
        qs = self
        if start is not None:
            qs = qs.filter(day__gte=start)
        if end is not None:
            qs = qs.filter(day__lte=end)
        return qs

    def with_partner(self, partner_id: int) -> Self:
        return self.filter(
            Exists(Request.objects.filter(visit=OuterRef("pk"), partner_id=partner_id))
        )

    def with_theme(self, theme_id: int) -> Self:
        return self.filter(Exists(Request.objects.filter(visit=OuterRef("pk"), theme_id=theme_id)))

    def with_requests(self) -> Self:
        return self.select_related("site", "channel", "agent").prefetch_related(
            models.Prefetch(
                "requests",
                queryset=Request.objects.select_related(
                    "partner", "theme", "help_kind", "outcome", "referral__partner"
                ).order_by("position", "pk"),
            )
        )


# Taxonomy references: the fact tables' references to the taxonomies (channel, age band;
# partner, theme, help, outcome) carry no database foreign key (`db_constraint=False`, issue 19
# decision 1): with one, every fact row fires a constraint trigger at commit, which was the
# largest cost of a bulk import. Every write path resolves codes against the taxonomies in
# force before writing (desk and API validation, `exchange.parsing` and `exchange.setbased`,
# the generator), and tests/activity/test_no_orphans.py proves that none writes an unknown id.
# Deleting a term is still refused while facts use it (`on_delete=PROTECT`, enforced by Django).


class Visit(models.Model):
    """One person helped once, on one channel (passage). No personal data.

    Foreign keys of the fact tables carry no index of their own (`db_index=False`): the
    composite indexes (site, day) and (agent, day) serve the reads, and every extra index
    slows the write path and the bulk import; reports read the rollups."""

    site = models.ForeignKey(
        "network.Site",
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("point d'accueil"),
        db_index=False,
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("agent"),
        db_index=False,
    )
    occurred_at = models.DateTimeField(_("date et heure"))
    day = models.DateField(_("jour"), help_text=_("Jour local du passage (fuseau du site)."))
    channel = models.ForeignKey(
        Channel,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("canal"),
        db_index=False,
        db_constraint=False,  # see « Taxonomy references » above Visit
    )
    age_band = models.ForeignKey(
        AgeBand,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tranche d'âge"),
        db_index=False,
        db_constraint=False,
    )
    qpv_resident = models.BooleanField(_("habite un QPV"), null=True, blank=True)
    first_visit = models.BooleanField(_("première visite"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), null=True, blank=True)
    created_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("corrigé par"),
        db_index=False,
    )

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("passage")
        verbose_name_plural = _("passages")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["site", "day"], name="activity_visit_site_day"),
            models.Index(fields=["agent", "day"], name="activity_visit_agent_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True)
                | Q(duration_minutes__lte=MAX_VISIT_MINUTES),
                name="activity_visit_duration_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.site} — {self.occurred_at:%d/%m/%Y %H:%M}"


class Request(models.Model):
    """One need handled during a visit (demande)."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="requests", verbose_name=_("passage")
    )
    position = models.PositiveSmallIntegerField(_("rang"), default=0)
    partner = models.ForeignKey(
        "network.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partenaire"),
        db_index=False,
        db_constraint=False,  # see « Taxonomy references » above Visit
    )
    theme = models.ForeignKey(
        Theme,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("thème"),
        db_index=False,
        db_constraint=False,
    )
    help_kind = models.ForeignKey(
        HelpKind,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("aide apportée"),
        db_index=False,
        db_constraint=False,
    )
    outcome = models.ForeignKey(
        Outcome,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issue"),
        db_index=False,
        db_constraint=False,
    )
    follow_up = models.BooleanField(_("suite à donner"), default=False)
    # True when the agent typed no help (no outcome) and the site's policy default was applied:
    # reports state the share of outcomes that are a default, not an observation. A database
    # default too, so that the bulk writers that do not name the columns store False.
    help_defaulted = models.BooleanField(_("aide par défaut"), default=False, db_default=False)
    outcome_defaulted = models.BooleanField(_("issue par défaut"), default=False, db_default=False)

    class Meta:
        verbose_name = _("demande")
        verbose_name_plural = _("demandes")
        ordering = ["visit", "position"]

    def __str__(self) -> str:
        return f"{self.partner or '—'} / {self.theme}"


_Dated = TypeVar("_Dated", bound=models.Model)


class OutreachActQuerySet(models.QuerySet[_Dated]):
    """Shared by outreach acts and workshops (both have a `day`)."""

    def between(self, start: datetime.date | None, end: datetime.date | None) -> Self:
        qs = self
        if start is not None:
            qs = qs.filter(day__gte=start)
        if end is not None:
            qs = qs.filter(day__lte=end)
        return qs


class OutreachAct(models.Model):
    """Mediation outside the site (médiation sortante): transport, home, public space…"""

    site = models.ForeignKey(
        "network.Site",
        on_delete=models.PROTECT,
        related_name="outreach_acts",
        verbose_name=_("point d'accueil (équipe)"),
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("agent"),
    )
    day = models.DateField(_("date"))
    place = models.ForeignKey(
        OutreachPlace, on_delete=models.PROTECT, related_name="+", verbose_name=_("lieu")
    )
    partner = models.ForeignKey(
        "network.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partenaire"),
    )
    people_reached = models.PositiveIntegerField(_("personnes touchées"), default=1)
    created_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    objects = OutreachActQuerySet.as_manager()

    class Meta:
        verbose_name = _("acte de médiation sortante")
        verbose_name_plural = _("actes de médiation sortante")
        ordering = ["-day", "-pk"]
        indexes = [models.Index(fields=["site", "day"], name="activity_outreach_site_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(people_reached__gte=1), name="activity_outreach_people_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.place} — {self.day:%d/%m/%Y}"


class Workshop(models.Model):
    """A collective session (atelier collectif)."""

    site = models.ForeignKey(
        "network.Site",
        on_delete=models.PROTECT,
        related_name="workshops",
        verbose_name=_("point d'accueil"),
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("agent"),
    )
    day = models.DateField(_("date"))
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="+", verbose_name=_("thème")
    )
    title = models.CharField(_("intitulé"), max_length=MAX_TITLE_LENGTH)
    participants = models.PositiveIntegerField(_("participants"))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), null=True, blank=True)
    created_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    objects = OutreachActQuerySet.as_manager()

    class Meta:
        verbose_name = _("atelier collectif")
        verbose_name_plural = _("ateliers collectifs")
        ordering = ["-day", "-pk"]
        indexes = [models.Index(fields=["site", "day"], name="activity_workshop_site_day")]

    def __str__(self) -> str:
        return f"{self.title} — {self.day:%d/%m/%Y}"
