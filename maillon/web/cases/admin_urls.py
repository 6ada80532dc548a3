"""The network head's pages of cases: case rules, partners' referents and their invitations
(included under /dossiers/ beside the case pages)."""

from django.urls import path

from maillon.web.cases import policy, referents

app_name = "cases_admin"
urlpatterns = [
    path("regles/", policy.case_policy_view, name="policy"),
    path("referents/", referents.referent_list_view, name="referents"),
]
