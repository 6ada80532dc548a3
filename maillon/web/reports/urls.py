"""Report pages under /rapports/. Each family of reports keeps its own URL module."""

from maillon.web.reports import urls_dashboards, urls_documents, urls_keyfigures

app_name = "reports"

urlpatterns = [
    *urls_keyfigures.urlpatterns,
    *urls_documents.urlpatterns,
    *urls_dashboards.urlpatterns,
]
