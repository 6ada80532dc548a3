from django.contrib import admin

from maillon.labels.models import LabelDecision, LabelProgramme, Wave


@admin.register(LabelProgramme)
class LabelProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "started_on"]


@admin.register(Wave)
class WaveAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "date", "effective_date"]
    list_filter = ["programme"]


@admin.register(LabelDecision)
class LabelDecisionAdmin(admin.ModelAdmin):
    list_display = ["site", "programme", "outcome", "effective_date", "precision", "source"]
    list_filter = ["programme", "outcome", "precision"]
    search_fields = ["site__name", "source"]
    raw_id_fields = ["site"]
    list_select_related = ["site", "programme"]
