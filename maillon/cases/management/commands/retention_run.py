"""`maillon retention run [--dry-run]`: erase the personal data of the cases closed more than
the network's retention months ago (docs/escalation.md). The worker runs the same every day;
this command runs it now, or shows what it would erase."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.table import Table

from maillon.cases.retention import (
    case_erasure_summary,
    cases_erase,
    cases_to_erase,
)
from maillon.core.progress import command_console, progress_bar


class Command(BaseCommand):
    help = (
        "Erase the personal data (identifiers, description, message texts, attachment files) "
        "of cases closed longer ago than their network's retention; figures are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be erased, erase nothing."
        )
        parser.add_argument(
            "--day", default="", help="Run as of this day (YYYY-MM-DD; default today)."
        )

    def handle(self, *args, **options):
        console = command_console(self, width=120)
        day = timezone.localdate()
        if options["day"]:
            try:
                day = datetime.date.fromisoformat(options["day"])
            except ValueError as exc:
                raise CommandError(f"--day: expected YYYY-MM-DD, got {options['day']!r}") from exc
        cases = cases_to_erase(day)
        if options["dry_run"]:
            table = Table(title=f"Dossiers à effacer au {day:%d/%m/%Y} (essai à blanc)")
            for column in (
                "n°",
                "partenaire",
                "point d'accueil",
                "clos le",
                "champs",
                "messages",
                "pièces jointes",
            ):
                table.add_column(column)
            for case in cases:
                summary = case_erasure_summary(case)
                table.add_row(
                    str(case.pk),
                    case.partner.short_name or case.partner.name,
                    case.site.name,
                    f"{timezone.localtime(case.closed_at):%d/%m/%Y}" if case.closed_at else "",
                    str(summary["fields"]),
                    str(summary["messages"]),
                    str(summary["attachments"]),
                )
            console.print(table)
            console.print(f"{len(cases)} dossiers seraient effacés ; rien n'a été modifié.")
            return
        with progress_bar(console) as progress:
            task = progress.add_task("Effacement", total=len(cases))
            erased = cases_erase(cases, progress=lambda case: progress.advance(task))
        console.print(f"{erased} dossiers effacés (données personnelles), chiffres conservés.")
