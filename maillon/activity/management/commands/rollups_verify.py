import time

from django.core.management.base import BaseCommand, CommandError

from maillon.activity.rollups_verify import rollups_compare, rollups_recompute
from maillon.core.progress import command_console


class Command(BaseCommand):
    help = "Recompute the activity rollups with GROUP BY on the fact tables and compare."

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Rebuild the rollups from the facts if they differ.",
        )

    def handle(self, *args, **options):
        console = command_console(self, width=120)
        started = time.perf_counter()
        counts, differences, total = rollups_compare()
        for table, n in counts.items():
            console.print(f"{table} : {n:,} lignes recalculées")
        for d in differences:
            console.print(
                f"[red]{d.table} {d.key} : attendu {d.expected}, enregistré {d.stored}[/]"
            )
        console.print(f"Vérification en {time.perf_counter() - started:.1f} s.")
        if total == 0:
            console.print("[green]Les cumuls sont exactement égaux aux données détaillées.[/]")
            return
        if options["repair"]:
            rollups_recompute()
            console.print(f"{total} différence(s) corrigée(s) : cumuls reconstruits.")
            return
        raise CommandError(f"{total} différence(s) entre les cumuls et les données détaillées.")
