from django.urls import path

from maillon.web.labels import views, workspace

app_name = "labels"
urlpatterns = [
    path("listes/", views.publication_view, name="publication"),
    path("listes/<slug:slug>/", views.printed_publication_view, name="printed_publication"),
    path("qualite/", views.quality_view, name="quality"),
    path("couverture/", views.coverage_view, name="coverage"),
    path("parcours/", workspace.pipeline_view, name="pipeline"),
    path("comite/", workspace.committee_view, name="committee"),
    path("parametres/", workspace.settings_view, name="settings"),
    path("dossier-de-presse/", workspace.press_kit_view, name="press_kit"),
    path(
        "points-d-accueil/<int:pk>/autodiagnostic/",
        views.self_check_view,
        name="self_check",
    ),
    path("points-d-accueil/<int:pk>/label/", workspace.site_label_view, name="site_label"),
    path(
        "points-d-accueil/<int:pk>/candidature/",
        workspace.application_file_view,
        name="application_file",
    ),
    path(
        "points-d-accueil/<int:pk>/audit/planifier/",
        workspace.audit_plan_view,
        name="audit_plan",
    ),
    path("points-d-accueil/<int:pk>/audit/", workspace.audit_record_view, name="audit_record"),
    path("points-d-accueil/<int:pk>/retrait/", workspace.label_withdraw_view, name="withdraw"),
    path(
        "points-d-accueil/<int:pk>/correction/",
        workspace.decision_correct_view,
        name="decision_correct",
    ),
]
