import datetime
import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillon.activity.exchange import export_csv, export_rows, export_xlsx


class Command(BaseCommand):
    help = "Export visits and requests in the import format (CSV to stdout or a file, or XLSX)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", type=Path, help="File (.csv or .xlsx); default stdout."
        )
        parser.add_argument("--sites", default="", help="Site ids, comma-separated.")
        parser.add_argument("--start", type=datetime.date.fromisoformat)
        parser.add_argument("--end", type=datetime.date.fromisoformat)

    def handle(self, *args, **options):
        try:
            site_ids = [int(s) for s in options["sites"].split(",") if s.strip()]
        except ValueError as error:
            raise CommandError(
                "--sites : identifiants numériques séparés par des virgules."
            ) from error
        rows = export_rows(site_ids=site_ids or None, start=options["start"], end=options["end"])
        output: Path | None = options["output"]
        if output is None:
            try:
                export_csv(rows, sys.stdout)
            except BrokenPipeError:  # `maillon export activity | head`
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return
        if output.suffix.lower() == ".xlsx":
            count = export_xlsx(rows, output)
        else:
            with output.open("w", encoding="utf-8", newline="") as handle:
                count = export_csv(rows, handle)
        self.stderr.write(f"{count:,} demandes exportées dans {output}.")
