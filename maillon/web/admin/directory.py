from django.contrib import admin

from maillon.directory.models import DirectoryPolicy, ErrorReport, ImportRecord
from maillon.web.admin.journal import JournalledAdminMixin


@admin.register(DirectoryPolicy)
class DirectoryPolicyAdmin(JournalledAdminMixin, admin.ModelAdmin):
    list_display = ["network", "stale_after_months"]


@admin.register(ErrorReport)
class ErrorReportAdmin(admin.ModelAdmin):
    """Read-only here: managers handle reports in their inbox (journaled there)."""

    list_display = ["created_at", "site", "topic", "handled_at"]
    list_filter = ["topic"]
    raw_id_fields = ["site", "handled_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    list_display = ["ran_at", "kind", "file_name", "rows"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
