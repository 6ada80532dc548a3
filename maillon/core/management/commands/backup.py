"""`maillon backup FILE`: a consistent backup of the whole database, taken while it runs."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from maillon.core.backup import ENGINE_NAMES, database_backup
from maillon.core.management.backups import run_with_progress


class Command(BaseCommand):
    help = (
        "Back up the whole database into FILE while the application runs: pg_dump's custom "
        "format on PostgreSQL, a copy through SQLite's online backup API on SQLite. "
        "Restore it with `maillon restore FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file to write (e.g. maillon-2026-12-03.dump).")
        parser.add_argument("--overwrite", action="store_true", help="Replace FILE if it exists.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias.")

    def handle(self, *args, **options):
        console, result = run_with_progress(
            self,
            options,
            description="sauvegarde",
            work=lambda advance: database_backup(
                path=Path(options["file"]),
                using=options["database"],
                overwrite=options["overwrite"],
                on_progress=advance,
            ),
        )
        console.print(
            f"Sauvegarde {ENGINE_NAMES[result.engine]} écrite dans {result.path} "
            f"({result.size / 1e6:.1f} Mo, schéma à {result.migrations} migrations)."
        )
