"""Follow-ups (suites à donner): a request whose outcome is « à revoir » waits, with a due date,
on its site's follow-up list until an agent closes it with its final outcome.

A separate table, one-to-one with the request, so the fact table stays narrow: a follow-up is
created by the write paths of visits (`maillon.activity.followups`), never by `save()`."""

import datetime
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillon.activity.models.facts import Request
from maillon.activity.models.taxonomies import Outcome

# A reference is a ticket or file number the agent may note, never a name (no personal data).
MAX_REFERENCE_LENGTH = 40


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def open(self) -> Self:
        return self.filter(closed_on__isnull=True)

    def closed_between(self, start: datetime.date | None, end: datetime.date | None) -> Self:
        qs = self.filter(closed_on__isnull=False)
        if start is not None:
            qs = qs.filter(closed_on__gte=start)
        if end is not None:
            qs = qs.filter(closed_on__lte=end)
        return qs


class FollowUp(models.Model):
    request = models.OneToOneField(
        Request,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="follow_up_item",
        verbose_name=_("demande"),
    )
    # the request's site, copied so the list of a site reads one index
    site = models.ForeignKey(
        "network.Site",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("point d'accueil"),
        db_index=False,
    )
    due_on = models.DateField(_("échéance"))
    reference = models.CharField(
        _("référence"),
        max_length=MAX_REFERENCE_LENGTH,
        blank=True,
        help_text=_(
            "Un numéro de dossier ou de ticket, 40 caractères au plus. Jamais le nom de la "
            "personne ni aucune donnée personnelle."
        ),
    )
    closed_on = models.DateField(_("close le"), null=True, blank=True)
    final_outcome = models.ForeignKey(
        Outcome,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issue finale"),
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("close par"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("suite à donner")
        verbose_name_plural = _("suites à donner")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["site", "closed_on", "due_on"], name="activity_followup_list")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True, final_outcome__isnull=True)
                | Q(closed_on__isnull=False, final_outcome__isnull=False),
                name="activity_followup_closed_with_outcome",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request} — {self.due_on:%d/%m/%Y}"
