from django.urls import path

from maillon.web.people import views

app_name = "people"
urlpatterns = [
    path("structures/<int:pk>/", views.employee_list_view, name="employee_list"),
    path("salaries/<int:pk>/", views.employee_detail_view, name="employee_detail"),
]
