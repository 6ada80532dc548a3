from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from maillon.accounts.models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    raw_id_fields = ["organisation", "site"]


@admin.register(User)
class MaillonUserAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "network", "organisation", "site", "partner", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["user", "organisation", "site"]
    list_select_related = ["user", "network", "organisation", "site", "partner"]
