import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console

from maillon.core.progress import command_console
from maillon.directory.opendata.datainclusion import (
    FILE_STEM,
    export_data_inclusion,
    export_problems,
)


class Command(BaseCommand):
    help = (
        "Export the network's own public sites as data·inclusion v1 structures and services "
        "(one JSON file: {structures, services}), every row validated by the official "
        "data-inclusion-schema package; --check validates without writing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", help=f"File to write (default {FILE_STEM}.json; '-': stdout)."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only validate every row with the official package; exit 1 on a problem.",
        )

    def handle(self, *args, **options):
        output = options["output"] or f"{FILE_STEM}.json"
        console = Console(file=sys.stderr) if output == "-" else command_console(self)
        started = time.perf_counter()
        export = export_data_inclusion(day=timezone.localdate())
        problems = export_problems(export)
        for problem in problems[:50]:
            console.print(f"  {problem}", markup=False, highlight=False)
        summary = (
            f"{len(export.structures)} structures et {len(export.services)} services ; "
            f"{export.without_siret} structures sans SIRET connu"
        )
        if problems:
            raise CommandError(
                f"{summary} ; {len(problems)} valeurs refusées par le schéma data·inclusion : "
                "rien n'est écrit."
            )
        if not options["check"]:
            text = export.to_json()
            if output == "-":
                self.stdout.write(text, ending="")
            else:
                Path(output).write_text(text, encoding="utf-8")
        elapsed = time.perf_counter() - started
        where = "" if options["check"] or output == "-" else f" : {output}"
        console.print(f"{summary}, conformes au schéma data·inclusion v1 ({elapsed:.1f} s){where}")
