from django.urls import path
from django.views.generic import RedirectView

from maillon.web.activity import views

app_name = "activity"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="activity:desk", query_string=True), name="index"),
    path("guichet/", views.desk_view, name="desk"),
    path("passages/<int:pk>/", views.visit_edit_view, name="visit_edit"),
    path("passages/<int:pk>/supprimer/", views.visit_delete_view, name="visit_delete"),
    path("mediation-sortante/", views.outreach_view, name="outreach"),
    path("ateliers/", views.workshop_view, name="workshops"),
]

# the mediator's day beyond the desk: history, follow-ups, lists of outreach and workshops,
# the network's rules (issue 14)
from maillon.web.activity import counted, followups, history, policy, undo  # noqa: E402

urlpatterns += [
    path("historique/", history.history_view, name="history"),
    path("suites/", followups.followup_list_view, name="followups"),
    path("suites/<int:pk>/", followups.followup_edit_view, name="followup_edit"),
    path("suites/<int:pk>/clore/", followups.followup_close_view, name="followup_close"),
    path("mediation-sortante/liste/", counted.outreach_list_view, name="outreach_list"),
    path("mediation-sortante/<int:pk>/", counted.outreach_edit_view, name="outreach_edit"),
    path(
        "mediation-sortante/<int:pk>/supprimer/",
        counted.outreach_delete_view,
        name="outreach_delete",
    ),
    path("ateliers/liste/", counted.workshop_list_view, name="workshop_list"),
    path("ateliers/<int:pk>/", counted.workshop_edit_view, name="workshop_edit"),
    path("ateliers/<int:pk>/supprimer/", counted.workshop_delete_view, name="workshop_delete"),
    path("regles/", policy.policy_view, name="policy"),
    path("annuler/", undo.undo_view, name="undo"),
]
