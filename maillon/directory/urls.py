from django.urls import path

from maillon.directory import correction_views, views

app_name = "directory"
urlpatterns = [
    path("", views.home, name="home"),
    path("lieux/<int:pk>/", views.site_page, name="site"),
    path("lieux/<int:pk>/signaler/", correction_views.error_report_view, name="error_report"),
    path("donnees/", views.open_data, name="open_data"),
    path("donnees/data-inclusion.json", views.open_data_inclusion_file, name="open_data_inclusion"),
    path("accessibilite/", views.accessibility_statement, name="accessibility"),
    path(
        "donnees/lieux-mediation-numerique.<str:fmt>",
        views.open_data_file,
        name="open_data_file",
    ),
]
