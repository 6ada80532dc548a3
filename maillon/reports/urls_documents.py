"""URLs of the documents pages (included by maillon/reports/urls.py under /rapports/)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
