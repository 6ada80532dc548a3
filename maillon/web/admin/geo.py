from django.contrib import admin

from maillon.geo.models import Commune, Department, Region
from maillon.web.admin.journal import JournalledAdminMixin


@admin.register(Region)
class RegionAdmin(JournalledAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(JournalledAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name"]


@admin.register(Commune)
class CommuneAdmin(JournalledAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "department", "canton_code", "is_current"]
    list_filter = ["kind", "is_current", "region"]
    search_fields = ["code", "name", "search_name"]
    list_select_related = ["department"]
    raw_id_fields = ["parent"]
    readonly_fields = ["search_name"]
