from django.contrib import admin
from django.urls import include, path

from maillon.api.urls import api_urls
from maillon.web.admin.site import restrict_admin_to_superusers

restrict_admin_to_superusers(admin.site)

urlpatterns = [
    # first: the desk's API calls are the busiest requests, resolved without trying every page
    path("api/", api_urls()),
    path("", include("maillon.directory.urls")),
    path("compte/", include("maillon.web.accounts.urls")),
    path("reseau/", include("maillon.web.network.urls")),
    path("activite/", include("maillon.web.activity.urls")),
    path("dossiers/", include("maillon.web.cases.urls")),
    path("equipes/", include("maillon.web.people.urls")),
    path("rapports/", include("maillon.web.reports.urls")),
    path("journal/", include("maillon.web.journal.urls")),
    # case rules and referents (the network head's pages of partner escalation)
    path("dossiers/", include("maillon.web.cases.admin_urls")),
    path("label/", include("maillon.web.labels.urls")),
    path("annuaire/", include("maillon.web.directory.urls")),
    path("admin/", admin.site.urls),
]
