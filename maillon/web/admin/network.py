from django.contrib import admin

from maillon.network.models import (
    Agreement,
    Network,
    NetworkMembership,
    Organisation,
    OrganisationName,
    Partner,
    Site,
    Stop,
)
from maillon.web.admin.journal import JournalledAdminMixin


class NetworkMembershipInline(admin.TabularInline):
    model = NetworkMembership
    extra = 0
    raw_id_fields = ["organisation"]


@admin.register(Network)
class NetworkAdmin(JournalledAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "head"]
    inlines = [NetworkMembershipInline]
    raw_id_fields = ["head"]


class OrganisationNameInline(admin.TabularInline):
    model = OrganisationName
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(JournalledAdminMixin, admin.ModelAdmin):
    list_display = ["name", "siret", "kind", "commune"]
    list_filter = ["kind"]
    search_fields = ["name", "siret"]
    raw_id_fields = ["commune"]
    inlines = [OrganisationNameInline]


class StopInline(admin.TabularInline):
    model = Stop
    extra = 0
    raw_id_fields = ["commune"]


@admin.register(Site)
class SiteAdmin(JournalledAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "commune", "organisation", "fs_id", "is_public"]
    list_filter = ["kind", "is_public", "commune__region"]
    search_fields = ["name", "fs_id", "commune__name", "postal_code"]
    raw_id_fields = ["commune", "organisation"]
    list_select_related = ["commune", "organisation"]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [StopInline]

    def save_model(self, request, obj, form, change):
        # a change in the admin also invalidates forms opened in the back-office (version)
        if change:
            obj.version = Site.objects.filter(pk=obj.pk).values_list("version", flat=True).get() + 1
        super().save_model(request, obj, form, change)


@admin.register(Partner)
class PartnerAdmin(JournalledAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "kind", "valid_from", "valid_until"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Agreement)
class AgreementAdmin(JournalledAdminMixin, admin.ModelAdmin):
    list_display = ["partner", "organisation", "site", "start_date", "end_date"]
    list_filter = ["partner"]
    raw_id_fields = ["organisation", "site"]
    list_select_related = ["partner", "organisation", "site"]
