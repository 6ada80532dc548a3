from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "maillon.api"
    label = "api"
    verbose_name = "API"
