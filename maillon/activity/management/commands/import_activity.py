import resource
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillon.activity.exchange import activity_import, import_agent
from maillon.core.importing import ImportFileError
from maillon.core.progress import command_console, progress_bar


class Command(BaseCommand):
    help = (
        "Import visits and requests from a CSV or XLSX file, one row per request (columns: "
        "docs/activity.md). Nothing is written if a row is bad, unless --skip-invalid; a file "
        "already imported (same content) is refused unless --again."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Write the valid visits; the rows of rejected visits go to --rejects.",
        )
        parser.add_argument(
            "--rejects", type=Path, help="Rejected rows (CSV). Default: FILE.rejets.csv"
        )
        parser.add_argument("--agent", default="", help="Username the visits are attributed to.")
        parser.add_argument("--no-copy", action="store_true", help="Never use COPY (PostgreSQL).")
        parser.add_argument("--batch", type=int, default=5_000, help="Visits per batch.")
        parser.add_argument(
            "--again",
            action="store_true",
            help="Import a file whose content was already imported (its visits count twice).",
        )

    def handle(self, *args, **options):
        console = command_console(self, width=120)
        path: Path = options["file"]
        rejects = options["rejects"] or path.with_suffix(".rejets.csv")
        started = time.perf_counter()
        try:
            with progress_bar(console, transient=True) as progress:
                task = progress.add_task(f"lecture de {path.name}", total=None)
                report = activity_import(
                    path,
                    agent=import_agent(options["agent"] or None),
                    skip_invalid=options["skip_invalid"],
                    rejects_path=rejects if options["skip_invalid"] else None,
                    use_copy=False if options["no_copy"] else None,
                    batch_visits=options["batch"],
                    on_rows=lambda n: progress.advance(task, n),
                    again=options["again"],
                )
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        for problem in report.problems[:50]:
            console.print(f"[red]{problem}[/]")
        if len(report.problems) > 50:
            console.print(f"… et {len(report.problems) - 50} autre(s) problème(s).")
        if not report.written:
            raise CommandError(
                f"{len(report.problems)} ligne(s) en erreur : rien n'a été importé "
                "(--skip-invalid pour importer les lignes valides)."
            )
        console.print(
            f"{report.rows:,} lignes lues, {report.visits:,} passages et {report.requests:,} "
            f"demandes importés en {elapsed:.1f} s ({report.rows / max(elapsed, 1e-9):,.0f} "
            f"lignes/s, mémoire max {rss:.0f} Mo)."
        )
        if report.rejected_rows:
            console.print(f"{report.rejected_rows:,} ligne(s) rejetée(s) écrites dans {rejects}.")
