from django.urls import path

from maillon.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.home, name="home"),
    path("lieux/<int:pk>/", views.site_page, name="site"),
    path("donnees/", views.open_data, name="open_data"),
    path("accessibilite/", views.accessibility_statement, name="accessibility"),
    path(
        "donnees/lieux-mediation-numerique.<str:fmt>",
        views.open_data_file,
        name="open_data_file",
    ),
]
