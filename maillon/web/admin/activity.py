"""The installation administrator (a superuser) edits the activity taxonomies here, journalled
like other reference data: they are shared by every network, whose figures are compared on them.

Visits, requests and rollups are not in the admin: they are written by the desk services only.
The desk reads the taxonomies through a one-minute in-process cache (`taxonomy.py`).
"""

from django.contrib import admin

from maillon.activity.models import AgeBand, Channel, HelpKind, Outcome, OutreachPlace, Theme
from maillon.web.admin.journal import JournalledAdminMixin


class TaxonomyAdmin(JournalledAdminMixin, admin.ModelAdmin):
    list_display = ["label", "code", "shortcut", "position", "valid_from", "valid_until"]
    list_editable = ["shortcut", "position", "valid_from", "valid_until"]
    search_fields = ["label", "code"]
    ordering = ["position", "label"]

    def has_delete_permission(self, request, obj=None) -> bool:
        """A value used by past activity is closed with `valid_until`, never deleted."""
        return False


for model in (Channel, Theme, HelpKind, Outcome, OutreachPlace, AgeBand):
    admin.site.register(model, TaxonomyAdmin)
