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


class NetworkMembershipInline(admin.TabularInline):
    model = NetworkMembership
    extra = 0
    raw_id_fields = ["organisation"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "head"]
    inlines = [NetworkMembershipInline]
    raw_id_fields = ["head"]


class OrganisationNameInline(admin.TabularInline):
    model = OrganisationName
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
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
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "commune", "organisation", "fs_id", "is_public"]
    list_filter = ["kind", "is_public", "commune__region"]
    search_fields = ["name", "fs_id", "commune__name", "postal_code"]
    raw_id_fields = ["commune", "organisation"]
    list_select_related = ["commune", "organisation"]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [StopInline]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "valid_from", "valid_until"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["partner", "organisation", "site", "start_date", "end_date"]
    list_filter = ["partner"]
    raw_id_fields = ["organisation", "site"]
    list_select_related = ["partner", "organisation", "site"]
