from django.apps import AppConfig


class WebConfig(AppConfig):
    """The back office's pages: views, forms, URLs, template tags and the Django admin.

    The public directory is `maillon.directory` and the HTTP API `maillon.api`; the domain
    packages below know nothing of requests or templates."""

    name = "maillon.web"
    label = "web"
    verbose_name = "Maillon — back office"
