import time

from django.core.management.base import BaseCommand

from maillon.core.progress import command_console, progress_bar
from maillon.geo.services import geo_import

STEPS = ("cog", "postal", "coordinates", "communes", "save", "postal codes")


class Command(BaseCommand):
    help = "Load the official geography (INSEE COG 2026, postal codes, coordinates). Idempotent."

    def handle(self, *args, **options):
        console = command_console(self, quiet=options["verbosity"] == 0)
        started = time.perf_counter()
        with progress_bar(console, transient=True) as progress:
            task = progress.add_task("Géographie officielle", total=len(STEPS))
            result = geo_import(on_step=lambda _label: progress.advance(task))
        console.print(
            f"Géographie : {result.regions} régions, {result.departments} départements ; "
            f"communes créées {result.created}, mises à jour {result.updated}, "
            f"inchangées {result.unchanged}, retirées {result.retired} ; "
            f"codes postaux +{result.postal_codes_added} −{result.postal_codes_removed} "
            f"({time.perf_counter() - started:.1f} s)"
        )
        for warning in result.warnings:
            console.print(f"[yellow]Attention[/] {warning}")
