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
