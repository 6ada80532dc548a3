from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmarks (`maillon bench desk|import|reports|directory`): they print figures and never
    run in the test suite's timing."""

    name = "maillon.bench"
    label = "bench"
    verbose_name = "Maillon — benchmarks"
