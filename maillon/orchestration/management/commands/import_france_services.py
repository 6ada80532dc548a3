import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillon.core.importing import (
    ImportFileError,
    csv_records,
    print_problems,
    write_problem_report,
)
from maillon.core.progress import command_console, progress_bar
from maillon.network.merging import add_overwrite_argument
from maillon.orchestration.importers.france_services import (
    DATA_FILE,
    SITE_FIELDS,
    SOURCE_LABEL,
    france_services_import,
)


class Command(BaseCommand):
    help = (
        "Import the official ANCT list of France Services (CSV). Re-importing updates in place "
        "(key: id_fs), keeping organisations and what managers edited unless --overwrite. "
        "Without FILE, the list shipped with Maillon (2024-08-01) is loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DATA_FILE))
        parser.add_argument("--source", default=None, help="Name of the source document.")
        parser.add_argument("--report", help="Write every problem found to this CSV file.")
        add_overwrite_argument(parser, SITE_FIELDS)

    def handle(self, *args, **options):
        console = command_console(self, width=120)
        path = Path(options["file"])
        source = options["source"] or (SOURCE_LABEL if path == DATA_FILE else path.name)
        started = time.perf_counter()
        try:
            total = sum(1 for _record in csv_records(path)) - 1
            with progress_bar(console, transient=options["verbosity"] == 0) as progress:
                task = progress.add_task("France Services", total=max(total, 0))
                result = france_services_import(
                    path=path,
                    source=source,
                    on_row=lambda: progress.advance(task),
                    overwrite=frozenset(options["overwrite"]),
                )
        except ImportFileError as exc:
            raise CommandError(f"{exc} Rien n'a été importé.") from exc
        elapsed = time.perf_counter() - started

        sections = [
            ("Lignes rejetées", result.rejected),
            ("Horaires non convertis", result.hours_unconverted),
            ("Écarts avec la géographie officielle", result.geo_mismatches),
            ("Autres remarques", result.other_warnings),
        ]
        if options["verbosity"] >= 1:
            print_problems(console, file_name=path.name, sections=sections)
        console.print(
            f"\n[bold]France Services[/] : {result.rows} lignes — créés {result.created}, "
            f"mis à jour {result.updated}, inchangés {result.unchanged}, "
            f"rejetés {len(result.rejected)} ; décisions de label ajoutées "
            f"{result.decisions_created} ; valeurs saisies par un gestionnaire gardées "
            f"{result.kept} (--overwrite pour les remplacer)."
        )
        console.print(
            f"Horaires : {result.day_hours_converted}/{result.day_hours_total} "
            f"({result.hours_rate:.1%}) des horaires par jour convertis en syntaxe OSM ; "
            f"{len(result.geo_mismatches)} écarts de géographie. Durée {elapsed:.1f} s."
        )
        if options["report"]:
            write_problem_report(options["report"], sections=sections)
            console.print(f"Rapport détaillé : {options['report']}")
