"""URLs of the dashboards pages (included by maillon/web/reports/urls.py under /rapports/)."""

from django.urls import path

from maillon.web.reports import views_dashboards as views

urlpatterns: list = [
    path("tableau-de-bord/", views.dashboard_view, name="dashboard"),
]
