from django.urls import path

from maillon.web.directory import views

app_name = "corrections"
urlpatterns = [
    path("signalements/", views.inbox_view, name="inbox"),
    path("signalements/<int:pk>/", views.report_view, name="report"),
    path("points-d-accueil/<int:pk>/confirmer/", views.site_confirm_view, name="site_confirm"),
]
