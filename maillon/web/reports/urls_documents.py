"""URLs of the documents pages (included by maillon/web/reports/urls.py under /rapports/)."""

from django.urls import path

from maillon.web.reports import views_documents as views

urlpatterns: list = [
    path("partenaire/", views.partner_report_view, name="partner_report"),
    path("mensuel/", views.monthly_report_view, name="monthly_report"),
]
