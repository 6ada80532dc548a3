from django.contrib import admin
from django.urls import include, path

from maillon.accounts.admin_site import restrict_admin_to_superusers
from maillon.api.urls import api_urls

restrict_admin_to_superusers(admin.site)

urlpatterns = [
    # first: the desk's API calls are the busiest requests, resolved without trying every page
    path("api/", api_urls()),
    path("", include("maillon.directory.urls")),
    path("compte/", include("maillon.accounts.urls")),
    path("reseau/", include("maillon.network.urls")),
    path("activite/", include("maillon.activity.urls")),
    path("equipes/", include("maillon.people.urls")),
    path("rapports/", include("maillon.reports.urls")),
    path("journal/", include("maillon.journal.urls")),
    path("label/", include("maillon.labels.urls")),
    path("admin/", admin.site.urls),
]
