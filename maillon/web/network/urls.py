from django.urls import path

from maillon.web.network import views

app_name = "network"
site = "points-d-accueil/<int:pk>/"
urlpatterns = [
    path("points-d-accueil/", views.site_list_view, name="site_list"),
    path(site, views.site_detail_view, name="site_detail"),
    path(f"{site}modifier/", views.site_edit_view, name="site_edit"),
    path(f"{site}horaires/", views.site_hours_view, name="site_hours"),
    path(f"{site}horaires/apercu/", views.site_hours_preview_view, name="site_hours_preview"),
    path(f"{site}arrets/", views.stop_list_view, name="stop_list"),
    path(f"{site}arrets/<int:stop_pk>/", views.stop_edit_view, name="stop_edit"),
    path(f"{site}arrets/<int:stop_pk>/supprimer/", views.stop_delete_view, name="stop_delete"),
    path(f"{site}conventions/", views.agreement_list_view, name="agreement_list"),
    path(
        f"{site}conventions/<int:agreement_pk>/", views.agreement_list_view, name="agreement_edit"
    ),
    path(f"{site}historique/", views.site_history_view, name="site_history"),
    path("communes/", views.communes_options_view, name="communes"),
    path("structures/", views.organisation_list_view, name="organisation_list"),
    path("structures/<int:pk>/", views.organisation_detail_view, name="organisation_detail"),
    path("structures/<int:pk>/modifier/", views.organisation_edit_view, name="organisation_edit"),
    path(
        "structures/<int:pk>/historique/",
        views.organisation_history_view,
        name="organisation_history",
    ),
    path("structures/<int:pk>/nouveau-point/", views.site_create_view, name="site_create"),
    path("partenaires/", views.partner_list_view, name="partner_list"),
    path("partenaires/nouveau/", views.partner_edit_view, name="partner_create"),
    path("partenaires/<int:pk>/", views.partner_edit_view, name="partner_edit"),
]
