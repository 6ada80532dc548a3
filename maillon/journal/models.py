"""The journal: an append-only record of the changes to reference data (organisations, sites,
stops, partners, agreements, staff, what the Django admin edits) and to accounts (memberships,
invitations, API tokens), and of deleted outreach acts and workshops. Imports that change sites
record their changes without an author. Visits, activity imports and the label services'
decisions are not journalled: they carry their own history (`corrected_by`, `ActivityImport`,
dated decisions with their source).

Rows are only ever inserted. The QuerySet refuses `update()`/`delete()`, the model refuses a
second `save()` and `delete()`, the admin is read-only, and the database itself refuses UPDATE
(and DELETE on PostgreSQL) with triggers installed by migration 0002.
"""

from typing import Self

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillon.journal.enums import JournalAction


class JournalIsAppendOnly(Exception):
    """Raised when code tries to change or remove a journal entry."""


class JournalEntryQuerySet(models.QuerySet["JournalEntry"]):
    def update(self, **kwargs):
        raise JournalIsAppendOnly("journal entries cannot be updated")

    def delete(self):
        raise JournalIsAppendOnly("journal entries cannot be deleted")

    def for_object(self, obj: models.Model) -> Self:
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
        )

    def for_site(self, site_id: int) -> Self:
        return self.filter(site_id=site_id)

    def for_organisation(self, organisation_id: int) -> Self:
        return self.filter(organisation_id=organisation_id)

    def with_related(self) -> Self:
        return self.select_related("actor", "content_type")


class JournalEntry(models.Model):
    """Who did what to which object, when, with the fields before and after."""

    at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    action = models.CharField(_("action"), max_length=20, choices=JournalAction.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type d'objet")
    )
    object_id = models.CharField(_("identifiant de l'objet"), max_length=64)
    object_repr = models.CharField(_("objet"), max_length=300)
    changes = models.JSONField(_("modifications"), default=dict, blank=True)
    note = models.CharField(_("commentaire"), max_length=300, blank=True)
    # Scope, kept as plain ids (no foreign-key constraint): the entry outlives what it describes.
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("structure porteuse"),
    )
    site = models.ForeignKey(
        "network.Site",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("point d'accueil"),
    )

    objects = JournalEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal des modifications")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="journal_object_at"),
            models.Index(fields=["organisation", "-at"], name="journal_organisation_at"),
            models.Index(fields=["site", "-at"], name="journal_site_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=JournalAction.values), name="journal_entry_action"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise JournalIsAppendOnly("journal entries cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise JournalIsAppendOnly("journal entries cannot be deleted")

    @property
    def kind_label(self) -> str:
        model = self.content_type.model_class()
        if model is None:  # a content type left by a model that no longer exists
            return self.content_type.model.capitalize()
        return str(model._meta.verbose_name).capitalize()
