from django.urls import path

from maillon.web.journal import views

app_name = "journal"
urlpatterns = [
    path("", views.journal_view, name="journal"),
    path("export.csv", views.journal_export_view, name="export"),
]
