import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console

from maillon.core.progress import command_console, track
from maillon.directory.opendata.export import (
    FILE_STEM,
    export_rows,
    exported_sites,
    rows_to_csv,
    rows_to_json,
    rows_without_siret,
)
from maillon.directory.opendata.schema import table_problems


class Command(BaseCommand):
    help = (
        "Export every public site in the national 'Standard de données des lieux de médiation "
        "numérique' (CSV or JSON), checked against the schema before it is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument(
            "--output", "-o", help=f"File to write (default {FILE_STEM}.<format>; '-': stdout)."
        )

    def handle(self, *args, **options):
        console = Console(file=sys.stderr) if options["output"] == "-" else command_console(self)
        fmt = options["format"]
        started = time.perf_counter()
        day = timezone.localdate()
        rows = list(
            track(
                export_rows(day=day),
                description="Lieux exportés",
                total=exported_sites().count(),
                console=console,
            )
        )
        problems = table_problems([(i, row) for i, row in enumerate(rows, start=2)])
        if problems:
            for problem in problems[:50]:
                console.print(f"  {problem}", markup=False, highlight=False)
            raise CommandError(
                f"{len(problems)} valeurs ne respectent pas le schéma : rien n'est écrit."
            )
        text = rows_to_csv(rows) if fmt == "csv" else rows_to_json(rows)
        output = options["output"] or f"{FILE_STEM}.{fmt}"
        if output == "-":
            self.stdout.write(text, ending="")
        else:
            Path(output).write_text(text, encoding="utf-8")
        elapsed = time.perf_counter() - started
        console.print(
            f"{len(rows)} lieux exportés au format {fmt.upper()} ({len(text.encode()) / 1024:.0f} "
            f"Kio) en {elapsed:.1f} s, conformes au schéma"
            + ("" if output == "-" else f" : {output}")
        )
        console.print(
            f"{rows_without_siret(rows)} lignes sans SIRET connu pour leur structure porteuse "
            "(pivot 00000000000000) : renseigner le SIRET de la structure dans Maillon."
        )
