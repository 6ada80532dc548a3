import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillon.core.importing import ImportFileError, print_problems, write_problem_report
from maillon.core.progress import command_console, progress_bar
from maillon.directory.opendata.reading import read_table
from maillon.directory.services import IMPORTED_FIELDS, places_import
from maillon.network.merging import add_overwrite_argument


class Command(BaseCommand):
    help = (
        "Import places published in the national 'Standard de données des lieux de médiation "
        "numérique' (CSV or JSON). Every row is validated; invalid rows are reported (field, "
        "value, why) and skipped; re-importing the same file changes nothing (key: source + "
        "id); the network's own sites are left alone; a place keeps its organisation and what "
        "managers edited unless --overwrite."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--source",
            help="Producer of the file, for rows with an empty 'source' (default: file name).",
        )
        parser.add_argument("--report", help="Write every problem found to this CSV file.")
        add_overwrite_argument(parser, IMPORTED_FIELDS)

    def handle(self, *args, **options):
        console = command_console(self, width=120)
        path = Path(options["file"])
        started = time.perf_counter()
        try:
            with progress_bar(console, transient=True) as progress:
                task = progress.add_task("Lecture", total=None)
                fmt, rows = read_table(path)
                progress.update(task, total=len(rows), completed=len(rows))
                result = places_import(
                    rows=rows,
                    default_source=options["source"] or path.stem,
                    overwrite=frozenset(options["overwrite"]),
                    note=f"Import des lieux de médiation numérique ({path.name})",
                )
        except ImportFileError as exc:
            raise CommandError(f"{exc} Rien n'a été importé.") from exc
        elapsed = time.perf_counter() - started
        sections = [("Lignes rejetées", result.rejected), ("Valeurs ignorées", result.warnings)]
        if options["verbosity"] >= 1:
            print_problems(console, file_name=path.name, sections=sections)
            mapped = result.vocabulary.lines()
            if mapped:
                console.print("\n[bold]Ancien vocabulaire du standard, traduit[/]")
                for line in mapped:
                    console.print(f"  {line}", markup=False, highlight=False)
        console.print(
            f"\n[bold]Lieux ({fmt.upper()})[/] : {result.rows} lignes — créés {result.created}, "
            f"mis à jour {result.updated}, inchangés {result.unchanged}, lieux du réseau "
            f"reconnus {result.own} (laissés tels quels), rejetés {result.rejected_lines} ; "
            f"valeurs gardées (structure porteuse, saisies d'un gestionnaire) {result.kept} ; "
            f"valeurs de l'ancien vocabulaire traduites "
            f"{sum(result.vocabulary.mapped.values())}, inconnues ignorées "
            f"{len(result.vocabulary.unknown)}. "
            f"Durée {elapsed:.1f} s."
        )
        if options["report"]:
            write_problem_report(options["report"], sections=sections)
            console.print(f"Rapport détaillé : {options['report']}")
