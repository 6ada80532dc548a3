"""URLs of the key figures pages (included by maillon/reports/urls.py under /rapports/)."""

from django.urls import path

from maillon.reports import views_keyfigures as views

urlpatterns: list = [
    path("", views.reports_home_view, name="home"),
    path("chiffres-cles/", views.key_figures_view, name="key_figures"),
]
