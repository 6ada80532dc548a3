from django.apps import AppConfig


class WebConfig(AppConfig):
    """The back office's pages: views, forms, URLs, template tags and the Django admin.

    The public directory is `maillon.directory` and the HTTP API `maillon.api`. The domain
    packages below import nothing of `django.http` (tests/architecture/test_domain_has_no_http.py):
    they raise `maillon.core.errors.NotFound`, which the edges answer with a 404."""

    name = "maillon.web"
    label = "web"
    verbose_name = "Maillon — back office"
