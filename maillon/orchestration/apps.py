from django.apps import AppConfig


class OrchestrationConfig(AppConfig):
    """Work that spans several domains: the demo, the network imports (France Services, PIMMS),
    the data generators and the cross-domain quality check. It has no models."""

    name = "maillon.orchestration"
    label = "orchestration"
    verbose_name = "Maillon — orchestration"
