"""Desk activity: visits and their requests, outreach acts, workshops, and their daily rollups.

Taxonomies (channel, theme, help given, outcome, outreach place, age band) are data tables with
validity dates, edited by the network head; their starting values come from the data migration
`0002_taxonomies`. No personal data of citizens is stored and a visit has no free-text field.

Rollups (`*DailyRollup`) are kept exactly equal to the fact tables *in the same transaction* as
every write (see `maillon.activity.rollups`): reports read them and never scan the facts.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillon.activity.bounds import MAX_VISIT_MINUTES
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


class VisitQuerySet(models.QuerySet):
    def on_day(self, day: datetime.date):
        return self.filter(day=day)

    def between(self, start: datetime.date | None, end: datetime.date | None):
        qs = self
        if start is not None:
            qs = qs.filter(day__gte=start)
        if end is not None:
            qs = qs.filter(day__lte=end)
        return qs

    def of_sites(self, sites):
        return self.filter(site__in=sites)

    def by_agent(self, agent):
        return self.filter(agent=agent)

    def with_partner(self, partner_id: int):
        return self.filter(
            Exists(Request.objects.filter(visit=OuterRef("pk"), partner_id=partner_id))
        )

    def with_theme(self, theme_id: int):
        return self.filter(Exists(Request.objects.filter(visit=OuterRef("pk"), theme_id=theme_id)))

    def with_requests(self):
        return self.select_related("site", "channel", "agent").prefetch_related(
            models.Prefetch(
                "requests",
                queryset=Request.objects.select_related(
                    "partner", "theme", "help_kind", "outcome"
                ).order_by("position", "pk"),
            )
        )


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
        Channel, on_delete=models.PROTECT, related_name="+", verbose_name=_("canal"), db_index=False
    )
    age_band = models.ForeignKey(
        AgeBand,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tranche d'âge"),
        db_index=False,
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
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="+", verbose_name=_("thème"), db_index=False
    )
    help_kind = models.ForeignKey(
        HelpKind,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("aide apportée"),
        db_index=False,
    )
    outcome = models.ForeignKey(
        Outcome, on_delete=models.PROTECT, related_name="+", verbose_name=_("issue"), db_index=False
    )
    follow_up = models.BooleanField(_("suite à donner"), default=False)

    class Meta:
        verbose_name = _("demande")
        verbose_name_plural = _("demandes")
        ordering = ["visit", "position"]

    def __str__(self) -> str:
        return f"{self.partner or '—'} / {self.theme}"


class OutreachActQuerySet(models.QuerySet):
    def of_sites(self, sites):
        return self.filter(site__in=sites)

    def between(self, start: datetime.date | None, end: datetime.date | None):
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
    title = models.CharField(_("intitulé"), max_length=200)
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


class IdempotencyKey(models.Model):
    """A client-chosen key for a create: a retry with the same key returns the first result."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("utilisateur"),
    )
    key = models.CharField(_("clé"), max_length=100)
    kind = models.CharField(_("objet"), max_length=20)
    fingerprint = models.CharField(_("empreinte de la requête"), max_length=64)
    object_id = models.BigIntegerField(_("objet créé"), null=True)
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True)

    class Meta:
        verbose_name = _("clé d'idempotence")
        verbose_name_plural = _("clés d'idempotence")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="activity_idempotency_user_key")
        ]

    def __str__(self) -> str:
        return self.key


class ActivityImport(models.Model):
    """A file written by `maillon import activity`, known by the SHA-256 of its content: the same
    content is refused a second time (whatever the file is called) unless asked again."""

    sha256 = models.CharField(_("empreinte SHA-256 du contenu"), max_length=64, db_index=True)
    file_name = models.CharField(_("nom du fichier"), max_length=300)
    imported_at = models.DateTimeField(_("importé le"), default=timezone.now)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("passages attribués à"),
    )
    rows = models.PositiveIntegerField(_("lignes lues"))
    visits = models.PositiveIntegerField(_("passages importés"))
    requests = models.PositiveIntegerField(_("demandes importées"))

    class Meta:
        verbose_name = _("import d'activité")
        verbose_name_plural = _("imports d'activité")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%d/%m/%Y %H:%M})"


class Rollup(models.Model):
    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.site_id} — {self.day}"


# Rollups: one row per day and combination of dimensions. A missing optional dimension
# (no partner, no age band) is stored as 0, so the unique key has no NULL and can be upserted.
# Counters are 64-bit: a sum over a network and a year may pass 2³¹ (`activity.bounds`).


class RequestDailyRollup(Rollup):
    site_id = models.IntegerField()
    day = models.DateField()
    partner_id = models.IntegerField()
    theme_id = models.IntegerField()
    channel_id = models.IntegerField()
    help_kind_id = models.IntegerField()
    outcome_id = models.IntegerField()
    requests = models.BigIntegerField(default=0)
    follow_ups = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("cumul quotidien des demandes")
        verbose_name_plural = _("cumuls quotidiens des demandes")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "site_id",
                    "day",
                    "partner_id",
                    "theme_id",
                    "channel_id",
                    "help_kind_id",
                    "outcome_id",
                ],
                name="activity_request_rollup_key",
            )
        ]
        indexes = [models.Index(fields=["day", "site_id"], name="activity_reqroll_day_site")]


class VisitDailyRollup(Rollup):
    site_id = models.IntegerField()
    day = models.DateField()
    channel_id = models.IntegerField()
    age_band_id = models.IntegerField()
    visits = models.BigIntegerField(default=0)
    first_visits = models.BigIntegerField(default=0)
    qpv_residents = models.BigIntegerField(default=0)
    minutes = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("cumul quotidien des passages")
        verbose_name_plural = _("cumuls quotidiens des passages")
        constraints = [
            models.UniqueConstraint(
                fields=["site_id", "day", "channel_id", "age_band_id"],
                name="activity_visit_rollup_key",
            )
        ]
        indexes = [models.Index(fields=["day", "site_id"], name="activity_visroll_day_site")]


class OutreachDailyRollup(Rollup):
    site_id = models.IntegerField()
    day = models.DateField()
    place_id = models.IntegerField()
    partner_id = models.IntegerField()
    acts = models.BigIntegerField(default=0)
    people_reached = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("cumul quotidien de la médiation sortante")
        verbose_name_plural = _("cumuls quotidiens de la médiation sortante")
        constraints = [
            models.UniqueConstraint(
                fields=["site_id", "day", "place_id", "partner_id"],
                name="activity_outreach_rollup_key",
            )
        ]


class OutreachMonthlyRollup(Rollup):
    """Outreach per site × month × place (no partner): what key figures and dashboards read.
    Outreach happens most days at a busy site, so the daily rollup is almost as long as the
    acts; this one is ~10× shorter."""

    site_id = models.IntegerField()
    month = models.DateField()
    place_id = models.IntegerField()
    acts = models.BigIntegerField(default=0)
    people_reached = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("cumul mensuel de la médiation sortante")
        verbose_name_plural = _("cumuls mensuels de la médiation sortante")
        constraints = [
            models.UniqueConstraint(
                fields=["site_id", "month", "place_id"], name="activity_outreach_month_key"
            )
        ]
        indexes = [models.Index(fields=["month", "site_id"], name="activity_outmonth_month_site")]

    def __str__(self) -> str:
        return f"{self.site_id} — {self.month:%Y-%m}"


class WorkshopDailyRollup(Rollup):
    site_id = models.IntegerField()
    day = models.DateField()
    theme_id = models.IntegerField()
    workshops = models.BigIntegerField(default=0)
    participants = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("cumul quotidien des ateliers")
        verbose_name_plural = _("cumuls quotidiens des ateliers")
        constraints = [
            models.UniqueConstraint(
                fields=["site_id", "day", "theme_id"], name="activity_workshop_rollup_key"
            )
        ]


# Monthly rollups: the same facts summed per calendar month on fewer dimensions, so that key
# figures and dashboards over a whole network and a year read tens of thousands of rows, not
# millions (the daily request rollup has nearly one row per request at national scale). `month`
# is the first day of the month. They are written in the same transaction as the daily ones.


class VisitMonthlyRollup(Rollup):
    site_id = models.IntegerField()
    month = models.DateField()
    channel_id = models.IntegerField()
    visits = models.BigIntegerField(default=0)
    requests = models.BigIntegerField(default=0)
    first_visits = models.BigIntegerField(default=0)
    qpv_residents = models.BigIntegerField(default=0)
    minutes = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("cumul mensuel des passages")
        verbose_name_plural = _("cumuls mensuels des passages")
        constraints = [
            models.UniqueConstraint(
                fields=["site_id", "month", "channel_id"], name="activity_visit_month_key"
            )
        ]
        indexes = [models.Index(fields=["month", "site_id"], name="activity_vismonth_month_site")]

    def __str__(self) -> str:
        return f"{self.site_id} — {self.month:%Y-%m}"


class RequestMonthlyRollup(Rollup):
    site_id = models.IntegerField()
    month = models.DateField()
    partner_id = models.IntegerField()
    theme_id = models.IntegerField()
    channel_id = models.IntegerField()
    requests = models.BigIntegerField(default=0)
    follow_ups = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("cumul mensuel des demandes")
        verbose_name_plural = _("cumuls mensuels des demandes")
        constraints = [
            models.UniqueConstraint(
                fields=["site_id", "month", "partner_id", "theme_id", "channel_id"],
                name="activity_request_month_key",
            )
        ]
        indexes = [models.Index(fields=["month", "site_id"], name="activity_reqmonth_month_site")]

    def __str__(self) -> str:
        return f"{self.site_id} — {self.month:%Y-%m}"
