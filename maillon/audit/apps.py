from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Audits (`maillon audit accessibility`): a real browser over every page of every role."""

    name = "maillon.audit"
    label = "audit"
    verbose_name = "Maillon — audits"
