"""URLs of the key figures pages (included by maillon/web/reports/urls.py under /rapports/)."""

from django.urls import path

from maillon.web.reports import views_keyfigures as views

urlpatterns: list = [
    path("", views.reports_home_view, name="home"),
    path("chiffres-cles/", views.key_figures_view, name="key_figures"),
]
