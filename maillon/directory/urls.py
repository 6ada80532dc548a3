from django.urls import path

from maillon.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.home, name="home"),
    path("lieux/<int:pk>/", views.site_page, name="site"),
]
