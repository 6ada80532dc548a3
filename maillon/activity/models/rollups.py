"""The rollups: the facts summed per site × day (or month) × dimensions, kept exactly equal to
the fact tables in the same transaction as every write (`maillon.activity.rollups`)."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class Rollup(models.Model):
    site_id: int  # every rollup has both (declared by each table)
    day: datetime.date

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.site_id} — {self.day}"


def _defaulted_index(time: str, name: str) -> models.Index:
    """The few rows with a defaulted outcome: its sum reads them, not every request row
    (`reports.indicators.Source.sparse`)."""
    return models.Index(
        fields=[time, "site_id"], name=name, condition=~models.Q(defaulted_outcomes=0)
    )


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
    defaulted_outcomes = models.BigIntegerField(default=0, db_default=0)

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
        indexes = [
            models.Index(fields=["day", "site_id"], name="activity_reqroll_day_site"),
            _defaulted_index("day", "activity_reqroll_defaulted"),
        ]


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
    defaulted_outcomes = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        verbose_name = _("cumul mensuel des demandes")
        verbose_name_plural = _("cumuls mensuels des demandes")
        constraints = [
            models.UniqueConstraint(
                fields=["site_id", "month", "partner_id", "theme_id", "channel_id"],
                name="activity_request_month_key",
            )
        ]
        indexes = [
            models.Index(fields=["month", "site_id"], name="activity_reqmonth_month_site"),
            _defaulted_index("month", "activity_reqmonth_defaulted"),
        ]

    def __str__(self) -> str:
        return f"{self.site_id} — {self.month:%Y-%m}"
