"""`maillon restore FILE`: restore a backup made by `maillon backup` into an empty database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from rich.console import Console

from maillon.core.backup import ENGINE_NAMES, BackupError, database_restore
from maillon.core.progress import progress_callback


class Command(BaseCommand):
    help = (
        "Restore a backup made by `maillon backup` into the database (same engine, same "
        "schema version). The database must be empty (no table) unless --replace is given. "
        "Stop the application first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace a database that already holds tables and data.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias.")

    def handle(self, *args, **options):
        console = Console(file=self.stdout, width=120, quiet=options["verbosity"] == 0)
        try:
            with progress_callback(console, description="restauration") as advance:
                result = database_restore(
                    path=Path(options["file"]),
                    using=options["database"],
                    replace=options["replace"],
                    on_progress=advance,
                )
        except BackupError as error:
            raise CommandError(str(error)) from error
        console.print(
            f"Sauvegarde restaurée dans la base {ENGINE_NAMES[result.engine]} : "
            f"{result.tables} tables, déclencheurs {', '.join(result.triggers) or 'aucun'}."
        )
