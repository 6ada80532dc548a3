from django.urls import path

from maillon.web.labels import views

app_name = "labels"
urlpatterns = [
    path("listes/", views.publication_view, name="publication"),
    path("listes/<slug:slug>/", views.printed_publication_view, name="printed_publication"),
    path("qualite/", views.quality_view, name="quality"),
    path("couverture/", views.coverage_view, name="coverage"),
    path(
        "points-d-accueil/<int:pk>/autodiagnostic/",
        views.self_check_view,
        name="self_check",
    ),
]
