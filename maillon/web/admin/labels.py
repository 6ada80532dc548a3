from django.contrib import admin

from maillon.labels.models import (
    Audit,
    AuditResult,
    Certification,
    Criterion,
    LabelApplication,
    LabelDecision,
    LabelProgramme,
    LabelSettings,
    Publication,
    PublicationEntry,
    Wave,
)
from maillon.web.admin.journal import JournalledAdminMixin


@admin.register(LabelProgramme)
class LabelProgrammeAdmin(JournalledAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "started_on"]


@admin.register(Criterion)
class CriterionAdmin(JournalledAdminMixin, admin.ModelAdmin):
    list_display = ["title", "programme", "check_kind", "valid_from", "valid_until", "position"]
    list_filter = ["programme", "check_kind"]


@admin.register(Wave)
class WaveAdmin(JournalledAdminMixin, admin.ModelAdmin):
    list_display = ["name", "programme", "date", "effective_date"]
    list_filter = ["programme"]


@admin.register(LabelDecision)
class LabelDecisionAdmin(JournalledAdminMixin, admin.ModelAdmin):
    list_display = ["site", "programme", "outcome", "effective_date", "precision", "wave", "source"]
    list_filter = ["programme", "outcome", "precision", "wave"]
    search_fields = ["site__name", "source"]
    raw_id_fields = ["site", "application", "supersedes"]
    list_select_related = ["site", "programme", "wave"]

    # A decision is history: never deleted nor edited, even here; a wrong one is corrected by
    # a newer decision (the site's label page, `labels.services.decision_correct`).
    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AuditResultInline(admin.TabularInline):
    model = AuditResult
    extra = 0


@admin.register(LabelApplication)
class LabelApplicationAdmin(JournalledAdminMixin, admin.ModelAdmin):
    list_display = ["site", "programme", "kind", "status", "submitted_on"]
    list_filter = ["programme", "kind", "status"]
    raw_id_fields = ["site"]
    list_select_related = ["site", "programme"]


@admin.register(Audit)
class AuditAdmin(JournalledAdminMixin, admin.ModelAdmin):
    list_display = ["application", "auditor", "date"]
    inlines = [AuditResultInline]
    raw_id_fields = ["application"]


@admin.register(Certification)
class CertificationAdmin(JournalledAdminMixin, admin.ModelAdmin):
    list_display = [
        "organisation",
        "standard",
        "certifier",
        "granted_on",
        "precision",
        "valid_until",
    ]
    list_filter = ["standard"]


class PublicationEntryInline(admin.TabularInline):
    model = PublicationEntry
    extra = 0
    raw_id_fields = ["site"]


@admin.register(LabelSettings)
class LabelSettingsAdmin(JournalledAdminMixin, admin.ModelAdmin):
    list_display = ["network", "programme", "renewal_months", "warning_days"]


@admin.register(Publication)
class PublicationAdmin(JournalledAdminMixin, admin.ModelAdmin):
    list_display = ["title", "network", "published_on", "labelled_on", "declared_total"]
    inlines = [PublicationEntryInline]
