from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from maillon.accounts.models import Membership, User
from maillon.web.admin.journal import JournalledAdminMixin


class MembershipInline(admin.TabularInline):
    """Memberships are deactivated, never deleted: history stays attributed."""

    model = Membership
    fk_name = "user"
    extra = 0
    raw_id_fields = ["organisation", "site"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class MaillonUserAdmin(JournalledAdminMixin, UserAdmin):
    inlines = [MembershipInline]
    journal_exclude = (*JournalledAdminMixin.journal_exclude, "password", "last_login")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(JournalledAdminMixin, admin.ModelAdmin):
    list_display = ["user", "role", "network", "organisation", "site", "partner", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["user", "organisation", "site"]
    list_select_related = ["user", "network", "organisation", "site", "partner"]

    def has_delete_permission(self, request, obj=None):
        return False
