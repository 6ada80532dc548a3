from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from maillon.journal.enums import JournalAction
from maillon.journal.models import JournalEntry
from maillon.journal.services import created, diff, journal_record, snapshot

VIA_ADMIN = _("via l'administration")


@admin.register(JournalEntry)
class JournalEntryAdmin(admin.ModelAdmin):
    """Read-only: the journal is never edited nor deleted, not even by an administrator."""

    list_display = ["at", "actor", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor__username"]
    list_select_related = ["actor", "content_type"]
    actions = None

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class JournalledAdminMixin(admin.ModelAdmin):
    """Journal what the Django admin writes (the installation administrator's reference data),
    like the services do.

    Add it first in the bases of a ModelAdmin (and of its inlines' parent admin): creations,
    changes and deletions, including those made through inlines, are recorded with the fields
    before and after, as the admin user, with the note "via l'administration". The admin already
    wraps each change view in a transaction, so the entry exists if and only if the change does.
    """

    journal_exclude: tuple[str, ...] = ("id", "created_at", "updated_at", "version")

    def _journal_fields(self, obj) -> list[str]:
        return [
            f.name
            for f in obj._meta.concrete_fields
            if f.name not in self.journal_exclude and not f.primary_key
        ]

    def _journal_before(self, obj) -> dict:
        if obj.pk is None:
            return {}
        stored = type(obj)._default_manager.filter(pk=obj.pk).first()
        return snapshot(stored, self._journal_fields(obj)) if stored is not None else {}

    def _journal_save(self, request, obj, save) -> None:
        before = self._journal_before(obj)
        save()
        after = snapshot(obj, self._journal_fields(obj))
        journal_record(
            actor=request.user,
            action=JournalAction.UPDATE if before else JournalAction.CREATE,
            obj=obj,
            changes=diff(before, after) if before else created(after),
            note=str(VIA_ADMIN),
        )

    def _journal_delete(self, request, obj) -> None:
        before = snapshot(obj, self._journal_fields(obj))
        journal_record(
            actor=request.user,
            action=JournalAction.DELETE,
            obj=obj,
            changes={name: [value, None] for name, value in before.items()},
            note=str(VIA_ADMIN),
        )

    def save_model(self, request, obj, form, change):
        self._journal_save(
            request,
            obj,
            lambda: super(JournalledAdminMixin, self).save_model(request, obj, form, change),
        )

    def delete_model(self, request, obj):
        self._journal_delete(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            self._journal_delete(request, obj)
            obj.delete()
        for obj in instances:
            self._journal_save(request, obj, obj.save)
        formset.save_m2m()
