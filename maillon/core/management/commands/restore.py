"""`maillon restore FILE`: restore a backup made by `maillon backup` into an empty database."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from maillon.core.backup import ENGINE_NAMES, database_restore
from maillon.core.management.backups import run_with_progress


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
        console, result = run_with_progress(
            self,
            options,
            description="restauration",
            work=lambda advance: database_restore(
                path=Path(options["file"]),
                using=options["database"],
                replace=options["replace"],
                on_progress=advance,
            ),
        )
        console.print(
            f"Sauvegarde restaurée dans la base {ENGINE_NAMES[result.engine]} : "
            f"{result.tables} tables, déclencheurs {', '.join(result.triggers) or 'aucun'}."
        )
