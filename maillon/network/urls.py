from django.urls import path

from maillon.network import views

app_name = "network"
urlpatterns = [
    path("points-d-accueil/", views.site_list_view, name="site_list"),
    path("points-d-accueil/<int:pk>/", views.site_detail_view, name="site_detail"),
]
